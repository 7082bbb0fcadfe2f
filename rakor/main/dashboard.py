"""What each role sees first: the panels features register (key, template, loader, order).

`loader(user) -> context | None`; None leaves the panel out for that user. Each panel's
template is rendered with its own context, so two features' keys never collide."""
from flask import render_template
from markupsafe import Markup

from rakor.core.registry import Registry

panels = Registry("dashboard panels")


def render_dashboard(user, template="main/dashboard.html"):
    """The home page of `user`: `template` with the HTML of every panel the user gets, in order.

    The panels' contexts stay alive until the page itself is rendered: the session's identity
    map holds objects weakly, and the page's heading (`current_user.agency`) reads the user's
    agency from it without a query when a panel loaded it (the committee's upcoming meetings load
    their organizer). Dropped after the panels, that agency lived or not as the garbage collector
    chose, and the page ran a query more or less from one request to the next."""
    contexts = panels.contexts(user)
    html = [Markup(render_template(panel, **context)) for panel, context in contexts]
    return render_template(template, panels=html)
