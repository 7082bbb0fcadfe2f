"""The minutes' lifecycle as data: a revision's statuses with their labels and badges.

The revisions of a version are drafts until one of them is finalised (the meeting then moves to
"minutes final"); a final revision never changes, and a correction opens the next version as a
draft with its reason (services.finalise / services.reopen).
"""
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class RevisionStatus(StrEnum):
    DRAFT = "draft"
    FINAL = "final"

    @property
    def label(self):
        return {RevisionStatus.DRAFT: _l("Draft"), RevisionStatus.FINAL: _l("Final")}[self]

    @property
    def badge(self):
        return {RevisionStatus.DRAFT: "warning", RevisionStatus.FINAL: "success"}[self]


REVISION_STATUSES = tuple(s.value for s in RevisionStatus)
