"""Minutes: a final version of a held meeting's minutes (the meeting then has final minutes)."""
from rakor.minutes import services
from tests.factories.meetings import SIGNING_OFFICERS


def make_final_minutes(meeting, user, opening="Rapat dibuka oleh pimpinan rapat."):
    """Write and finalise version 1 of `meeting`'s minutes (which must be held); the meeting
    moves to "minutes final". Returns the final revision. The chair's and the minute-taker's
    details that finalising requires are filled in where missing."""
    for name, value in SIGNING_OFFICERS.items():
        if not getattr(meeting, name):
            setattr(meeting, name, value)
    draft = services.save(meeting, {"opening": opening}, user, expected_revision_id=None)
    return services.finalise(meeting, user, draft.id, lambda code: f"http://localhost/v/{code}")
