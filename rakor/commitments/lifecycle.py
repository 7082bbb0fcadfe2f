"""The commitment lifecycle as data: statuses with their labels and badges, the allowed moves,
and which moves need a note.

draft -> submitted (the delegate sends it to the committee)
submitted -> agreed | returned (the committee decides; a return carries a comment)
returned -> submitted (fixed and sent again)
any but withdrawn -> withdrawn (recorded, never deleted; withdrawing an agreed one needs a reason)
An agreed commitment no longer changes for delegates; the committee amends it, with a reason.
"""
from enum import StrEnum

from flask_babel import lazy_gettext as _l


class CommitmentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    AGREED = "agreed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return _LABELS[self]

    @property
    def badge(self):
        return _BADGES[self]


_LABELS = {
    CommitmentStatus.DRAFT: _l("Draft"),
    CommitmentStatus.SUBMITTED: _l("Submitted"),
    CommitmentStatus.RETURNED: _l("Returned"),
    CommitmentStatus.AGREED: _l("Agreed"),
    CommitmentStatus.WITHDRAWN: _l("Withdrawn"),
}
_BADGES = {
    CommitmentStatus.DRAFT: "secondary",
    CommitmentStatus.SUBMITTED: "primary",
    CommitmentStatus.RETURNED: "warning",
    CommitmentStatus.AGREED: "success",
    CommitmentStatus.WITHDRAWN: "dark",
}

S = CommitmentStatus
TRANSITIONS = {
    S.DRAFT: (S.SUBMITTED, S.WITHDRAWN),
    S.SUBMITTED: (S.AGREED, S.RETURNED, S.WITHDRAWN),
    S.RETURNED: (S.SUBMITTED, S.WITHDRAWN),
    S.AGREED: (S.WITHDRAWN,),
    S.WITHDRAWN: (),
}
NOTE_REQUIRED = {(S.SUBMITTED, S.RETURNED), (S.AGREED, S.WITHDRAWN)}
# Statuses in which the delegate who owns the commitment may still change its content.
EDITABLE_BY_DELEGATE = (S.DRAFT, S.RETURNED)
# Statuses the committee edits directly (content changes of an agreed one are amendments).
EDITABLE_BY_COMMITTEE = (S.DRAFT, S.SUBMITTED, S.RETURNED)

FUNDING_SOURCES = {
    "apbd": _l("APBD"),
    "apbn_dak": _l("APBN / DAK"),
    "apbdes": _l("APBDes"),
    "csr": _l("CSR"),
    "other": _l("Other"),
}


def label(status):
    return CommitmentStatus(status).label


def badge(status):
    return CommitmentStatus(status).badge
