"""What each role sees first: the panels features register (key, template, loader, order).

`loader(user) -> context | None`; None leaves the panel out for that user. Each panel's
template is rendered with its own context, so two features' keys never collide."""
from flask import render_template
from markupsafe import Markup

from rakor.core.registry import Registry

panels = Registry("dashboard panels")


def render_panels(user):
    """The HTML of every panel `user` gets, in order."""
    return [Markup(render_template(template, **context)) for template, context in panels.contexts(user)]
