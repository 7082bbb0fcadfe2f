"""How each kind of notice reads, registered by the feature that emits it, and who a meeting's
audience is (registered by participants, which knows the invited agencies).

A renderer takes the notice's params and returns a `Rendered` in the current locale; the e-mail
is rendered in Indonesian (the MAIL_LOCALE), the page in the reader's language."""
from dataclasses import dataclass

from flask_babel import gettext as _

from rakor.core.registry import Registry

kinds = Registry("notice kinds")
# loader(meeting_id) -> agency ids whose delegates hear about the meeting (quota or invitation).
audiences = Registry("meeting audiences")


@dataclass(frozen=True)
class Rendered:
    title: str  # one line: the e-mail's subject and the notice's heading
    text: str  # what happened, with the reason where there is one
    endpoint: str  # where to act or read more
    values: dict
    reason: str  # why this reader gets it ("you are a delegate of ...")
    action: str = ""  # the link's label
    details: list = ()  # (label, value) lines under the text: the commitments a reminder is about


def register(kind, render):
    kinds.register(kind, loader=render)


def render(kind, params) -> Rendered:
    entry = kinds.get(kind)
    if entry is None:  # a kind whose feature is gone: still listed, never a 500
        return Rendered(title=_("Notice"), text="", endpoint="notices.index", values={}, reason="")
    return entry.loader(params)


def meeting_agency_ids(meeting_id) -> set[int]:
    found = set()
    for entry in audiences:
        found |= set(entry.loader(meeting_id))
    return found
