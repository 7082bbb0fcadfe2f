"""The reporter's status of an update (on track / at risk / late / done) and the committee's
review of it, with their labels; the review is a workflow (core/workflow.py):

submitted -> verified | returned (a return carries a comment for the reporter)
verified -> returned (the committee changes its mind, with a comment)
A correction by the reporter is a new revision, which starts as submitted again.
"""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from rakor.core.workflow import Workflow, WorkflowMessages
from rakor.progress.models import ProgressReview


class UpdateStatus(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    LATE = "late"
    DONE = "done"

    @property
    def label(self):
        return _STATUS_LABELS[self]

    @property
    def label_id(self):
        return _STATUS_ID[self]

    @property
    def badge(self):
        return _STATUS_BADGES[self]

    @property
    def colour(self):
        return _STATUS_COLOURS[self]


_STATUS_LABELS = {UpdateStatus.ON_TRACK: _l("On track"), UpdateStatus.AT_RISK: _l("At risk"),
                  UpdateStatus.LATE: _l("Late"), UpdateStatus.DONE: _l("Done")}
# Documents and exports are Indonesian whatever the reader's language.
_STATUS_ID = {UpdateStatus.ON_TRACK: "Sesuai rencana", UpdateStatus.AT_RISK: "Berisiko",
              UpdateStatus.LATE: "Terlambat", UpdateStatus.DONE: "Selesai"}
_STATUS_BADGES = {UpdateStatus.ON_TRACK: "success", UpdateStatus.AT_RISK: "warning",
                  UpdateStatus.LATE: "danger", UpdateStatus.DONE: "primary"}
_STATUS_COLOURS = {UpdateStatus.ON_TRACK: "#1a7f37", UpdateStatus.AT_RISK: "#e0a800",
                   UpdateStatus.LATE: "#d1432f", UpdateStatus.DONE: "#0d6efd"}


class ReviewStatus(StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    RETURNED = "returned"

    @property
    def label(self):
        return _REVIEW_LABELS[self]

    @property
    def badge(self):
        return _REVIEW_BADGES[self]


_REVIEW_LABELS = {ReviewStatus.SUBMITTED: _l("Awaiting verification"), ReviewStatus.VERIFIED: _l("Verified"),
                  ReviewStatus.RETURNED: _l("Sent back")}
_REVIEW_BADGES = {ReviewStatus.SUBMITTED: "secondary", ReviewStatus.VERIFIED: "success",
                  ReviewStatus.RETURNED: "warning"}

R = ReviewStatus
REVIEW_TRANSITIONS = {R.SUBMITTED: (R.VERIFIED, R.RETURNED), R.VERIFIED: (R.RETURNED,), R.RETURNED: ()}
REVIEW_NOTE_REQUIRED = frozenset({(R.SUBMITTED, R.RETURNED), (R.VERIFIED, R.RETURNED)})


REVIEW_FLOW = Workflow(
    transitions=REVIEW_TRANSITIONS, note_required=REVIEW_NOTE_REQUIRED, history=ProgressReview,
    owner_key="update_id", status_attr="review_status",
    messages=WorkflowMessages(
        stale=_l("This update was reviewed or corrected meanwhile; check it and try again."),
        illegal=_l("This update cannot be reviewed that way."),
        note=_l("Write a comment for the reporter; it is kept with the update.")))
