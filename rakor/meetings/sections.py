"""Deprecated alias of the meeting-page sections registry, now `rakor.meetings.hooks`.

Kept importable while the meeting view (`sections.render_context`) and
tests/participants/test_quota_pages.py (`sections._SECTIONS`) still name it."""
from rakor.meetings import hooks

render_context = hooks.render_sections


def register(template, loader, order=100):
    hooks.sections.register(template, template=template, loader=loader, order=order)


def __getattr__(name):
    if name == "_SECTIONS":  # {template: entry}, as the old module kept them
        return {s.template: s for s in hooks.sections}
    raise AttributeError(name)
