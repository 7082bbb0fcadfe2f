"""Plain factory functions with defaults: make_x(**overrides) adds, flushes and returns.
One module per feature; `from tests.factories import make_x` finds them all."""
from tests.factories.auth import DEFAULT_PASSWORD, make_user
from tests.factories.meetings import make_agenda_item, make_meeting, topic_id
from tests.factories.minutes import make_final_minutes
from tests.factories.participants import make_participant, make_quota
from tests.factories.regions import make_agency, make_province, make_region

__all__ = [
    "DEFAULT_PASSWORD",
    "make_agency",
    "make_agenda_item",
    "make_final_minutes",
    "make_meeting",
    "make_participant",
    "make_province",
    "make_quota",
    "make_region",
    "make_user",
    "topic_id",
]
