"""Plain factory functions with defaults: make_x(**overrides) adds, flushes and returns.
One module per feature; `from tests.factories import make_x` finds them all."""
from tests.factories.auth import DEFAULT_PASSWORD, make_user
from tests.factories.commitments import commitment_data, make_baseline, make_commitment
from tests.factories.meetings import make_agenda_item, make_meeting, topic_id
from tests.factories.minutes import make_final_minutes
from tests.factories.participants import make_participant, make_quota
from tests.factories.progress import make_update, update_data
from tests.factories.regions import make_agency, make_province, make_region
from tests.factories.scenarios import (
    commitments_meeting,
    first_agency_commitment,
    small_province_meeting,
    two_organizers,
)

__all__ = [
    "DEFAULT_PASSWORD",
    "commitment_data",
    "commitments_meeting",
    "first_agency_commitment",
    "make_agency",
    "make_agenda_item",
    "make_baseline",
    "make_commitment",
    "make_final_minutes",
    "make_meeting",
    "make_participant",
    "make_province",
    "make_quota",
    "make_region",
    "make_update",
    "make_user",
    "small_province_meeting",
    "topic_id",
    "two_organizers",
    "update_data",
]
