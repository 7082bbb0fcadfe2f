"""The chair and the committee clicking "finalise" at the same moment: exactly one finalisation
(one final revision, one move of the meeting to "minutes final", one stored PDF).

PostgreSQL only (row locks); on SQLite it is skipped with a notice (SQLite serialises writers)."""

import pytest
from sqlalchemy import delete, select

from rakor.auth.models import User
from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.mail.models import OutboundMail
from rakor.meetings.models import AgendaItem, Meeting, MeetingTransition
from rakor.minutes import documents, services
from rakor.minutes.models import Minutes, MinutesPdf, MinutesRevision
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_meeting, make_user
from tests.factories.meetings import SIGNING_OFFICERS
from tests.helpers import delete_regions, race

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]

THREADS = 6


@pytest.fixture
def held(app):
    meeting = make_meeting(title="Uji konkurensi notulen", status="held", **SIGNING_OFFICERS)
    users = [make_user("committee"), make_user("leadership")]
    draft = services.save(meeting, {"opening": "Rapat dibuka."}, users[0], None)
    db.session.commit()
    ids = (meeting.id, meeting.organizer_agency_id, draft.id, [u.id for u in users])
    region = db.session.get(Agency, ids[1]).region
    regions = [region.id, region.parent_id]
    yield ids
    db.session.rollback()
    minutes_ids = select(Minutes.id).where(Minutes.meeting_id == ids[0])
    db.session.execute(Minutes.__table__.update().where(Minutes.meeting_id == ids[0]).values(current_revision_id=None))
    revision_ids = select(MinutesRevision.id).where(MinutesRevision.minutes_id.in_(minutes_ids))
    db.session.execute(delete(MinutesPdf).where(MinutesPdf.revision_id.in_(revision_ids)))
    db.session.execute(delete(MinutesRevision).where(MinutesRevision.minutes_id.in_(minutes_ids)))
    db.session.execute(delete(Minutes).where(Minutes.meeting_id == ids[0]))
    # The winner's notice of the final minutes to the other user (if the committee won, the
    # leadership user is told): its e-mail row names the meeting; the notice goes with its user.
    for model in (AgendaItem, MeetingTransition, OutboundMail):
        db.session.execute(delete(model).where(model.meeting_id == ids[0]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))
    db.session.execute(delete(User).where(User.id.in_(ids[3])))
    db.session.execute(delete(Agency).where(Agency.id == ids[1]))
    # make_meeting's organizer stands in a new regency of a new province: both go.
    delete_regions(regions)
    db.session.commit()


def test_concurrent_finalisations_only_one_wins(app, held):
    meeting_id, _agency, draft_id, user_ids = held
    def finalise(i, at_once):
        with app.test_request_context():
            at_once()
            meeting = db.session.get(Meeting, meeting_id)
            user = db.session.get(User, user_ids[i % 2])
            revision = services.finalise(meeting, user, draft_id, lambda c: f"http://localhost/v/{c}")
            documents.publish_final_pdf(meeting, revision)

    outcomes = race(app, THREADS, finalise, {DomainError: "refused"}, timeout=120)
    assert outcomes == ["ok"] + ["refused"] * (THREADS - 1)
    finals = db.session.scalars(select(MinutesRevision).where(MinutesRevision.status == "final")
                                .join(Minutes, Minutes.id == MinutesRevision.minutes_id)
                                .where(Minutes.meeting_id == meeting_id)).all()
    assert len(finals) == 1
    moves = db.session.scalars(select(MeetingTransition.to_status).where(
        MeetingTransition.meeting_id == meeting_id, MeetingTransition.to_status == "minutes_final")).all()
    assert moves == ["minutes_final"]
    assert db.session.scalar(select(MinutesPdf.sha256).where(MinutesPdf.revision_id == draft_id))
