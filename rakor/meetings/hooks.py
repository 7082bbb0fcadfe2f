"""What other features add to meetings, without meetings importing them.

Five registries, one shape: an entry has a `key` (registering the same key again replaces it,
so a second `create_app` changes nothing), an `order` (lower first, then key), and where it
applies a `template` and a `loader`. Features fill them from their `init_app(app)` only; the
registries themselves hold no app, so every app of a test run sees the same entries.

- `sections`: meeting-page sections. `loader(meeting, user) -> context | None` (None hides the
  section); the template is rendered with the context's keys as variables. A section that shows
  one part of the meeting's data that changes often (`part=`, a name of core/page_cache.py's
  MEETING_PARTS) is kept apart from the rest of the page and shows nothing else of the meeting's
  beyond the meeting row and its quotas and invitations (the meeting's own scope).
- `follow_up_blocks`: blocks of the "follow-up of an earlier meeting" section.
  `loader(earlier, meeting, user) -> context | None`; the block's template sees it as `block`.
- `tabs`: the meeting's sub-pages (participants, quotas, ...): `label`, `endpoint`, and
  `action`, the policy rule on the meeting a user must pass to see the tab. Rendered by
  templates/meetings/_header.html with the breadcrumb.
- `after_move`: the page to show after a meeting moved (`endpoint`), the first entry in order.
- `transition_guards[to_status]`: `guard(meeting)` may raise DomainError to refuse a meeting's
  move to `to_status` (e.g. minutes refusing `minutes_final` before a final revision exists).
- `transition_effects[to_status]`: `effect(meeting, user, now)` runs after the move, in the same
  transaction (e.g. commitments making the final berita acara when the meeting's commitments
  close with "minutes final"); a DomainError it raises undoes the move.
"""
from flask import current_app

from rakor.core.registry import Registry
from rakor.policy import ACCESS_ATTR, can

sections = Registry("meeting sections")
follow_up_blocks = Registry("follow-up blocks")
tabs = Registry("meeting tabs")
# Where the committee goes after moving a meeting: a feature that tells people about the move
# (participants: the invited agencies) registers its page's `endpoint` (meeting_id, change_id).
after_move = Registry("after a meeting moves")


class TransitionGuards:
    """Guards by target status; a guard is keyed like every other entry."""

    def __init__(self):
        self._by_status: dict[str, Registry] = {}

    def register(self, to_status, key, guard, order=100):
        self._by_status.setdefault(to_status, Registry(f"guards of {to_status}")).register(
            key, loader=guard, order=order)
        return guard

    def unregister(self, to_status, key):
        if to_status in self._by_status:
            self._by_status[to_status].unregister(key)

    def __getitem__(self, to_status):
        return list(self._by_status.get(to_status, ()))


transition_guards = TransitionGuards()
transition_effects = TransitionGuards()


def run_transition_guards(meeting, to_status):
    """Let every guard of `to_status` refuse the move (DomainError) before it happens."""
    for entry in transition_guards[to_status]:
        entry.loader(meeting)


def run_transition_effects(meeting, to_status, user, now):
    """What other features do once a meeting has moved to `to_status`."""
    for entry in transition_effects[to_status]:
        entry.loader(meeting, user, now)


def render_sections(meeting, user):
    """[(template, context), ...] in page order, for sections that have something to show."""
    return sections.contexts(meeting, user)


def section_part(entry):
    """The part of the meeting's data a section is kept by (None: kept with the page)."""
    return entry.extra.get("part")


def render_section(entry, meeting, user):
    """(template, context) of one section, or None when it has nothing to show."""
    # The sections' rules read the user's role and agency often: the user itself, not
    # Flask-Login's proxy, which looks the user up again on every read.
    unwrap = getattr(user, "_get_current_object", None)
    context = entry.loader(meeting, unwrap() if unwrap is not None else user)
    return None if context is None else (entry.template, context)


def follow_up_block_contexts(earlier, meeting, user):
    """[(template, context), ...] of the follow-up blocks that have something to show."""
    return follow_up_blocks.contexts(earlier, meeting, user)


def visible_tabs(meeting, user):
    """The tabs `user` may open on `meeting`; none when only one would show (a bar with a single
    tab leads nowhere). The endpoint's declared roles are checked before the tab's rule so
    that a rule needing a query runs only when a bar may show."""
    def role_allows(tab):
        access = getattr(current_app.view_functions.get(tab.endpoint), ACCESS_ATTR, None)
        if access is None:
            return False
        return access[0] != "roles" or user.role in access[1]

    if not getattr(user, "is_authenticated", False):
        return []
    candidates = [t for t in tabs if role_allows(t)]
    if len(candidates) < 2:
        return []
    shown = [t for t in candidates if can(user, t.action, meeting)]
    return shown if len(shown) > 1 else []
