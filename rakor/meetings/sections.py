"""Sections other features add to the meeting page (participants, commitments, ...).

A section is a template included on the meeting page plus a function that loads its data in a
fixed number of queries: `register(template, loader, order)`, with `loader(meeting, user)`
returning the template's context (or None to hide the section). The meeting view calls
`render_context(meeting, user)`; each feature registers its section when its blueprint loads.
"""
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    template: str
    loader: Callable
    order: int


_SECTIONS: dict[str, Section] = {}


def register(template: str, loader: Callable, order: int = 100):
    _SECTIONS[template] = Section(template, loader, order)


def render_context(meeting, user):
    """[(template, context), ...] in page order, for sections that have something to show."""
    out = []
    for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
        context = section.loader(meeting, user)
        if context is not None:
            out.append((section.template, context))
    return out
