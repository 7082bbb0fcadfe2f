"""core/rows.py: many rows in a fixed number of statements (COPY on PostgreSQL), and the lists of
an import as one parameter. Run on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""
import secrets

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from rakor.core.rows import among, insert_rows
from rakor.core.types import utcnow
from rakor.participants.models import Participant
from tests.factories import make_meeting
from tests.helpers import agency_of

pytestmark = pytest.mark.usefixtures("kalsel")


def participant_row(meeting, agency, name, nip):
    return {"meeting_id": meeting.id, "agency_id": agency.id, "name": name, "sort_name": name.lower(), "nip": nip,
            "position": None, "rank": None, "phone": None, "email": None, "gender": None,
            "meeting_role": "peserta", "status": "registered", "registered_via": "import", "registered_by_id": None,
            "quota_override_reason": None, "checkin_code": secrets.token_urlsafe(32), "registered_at": utcnow(),
            "is_demo": False, "invitation_id": None}


def test_insert_rows_returns_the_ids_of_the_rows_in_order(db):
    meeting, agency = make_meeting(), agency_of("63.02")
    rows = [participant_row(meeting, agency, f"Peserta {i}", f"19800101200501100{i}") for i in range(3)]
    ids = insert_rows(db.session, Participant.__table__, rows)
    stored = db.session.execute(select(Participant.id, Participant.name, Participant.registered_at)
                                .where(among(db.session, Participant.id, ids)).order_by(Participant.id)).all()
    assert [(r.id, r.name) for r in stored] == list(zip(ids, ["Peserta 0", "Peserta 1", "Peserta 2"], strict=True))
    assert stored[0].registered_at == rows[0]["registered_at"]  # through UTCDateTime's bind processor


def test_a_refused_row_is_an_integrity_error_and_the_transaction_goes_on(db):
    meeting, agency = make_meeting(), agency_of("63.02")
    insert_rows(db.session, Participant.__table__, [participant_row(meeting, agency, "A", "198001012005011001")])
    with pytest.raises(IntegrityError), db.session.begin_nested():
        insert_rows(db.session, Participant.__table__, [participant_row(meeting, agency, "B", "198001012005011002"),
                                                        participant_row(meeting, agency, "C", "198001012005011001")])
    assert db.session.scalar(select(func.count(Participant.id)).where(Participant.meeting_id == meeting.id)) == 1


def test_among_pairs(db):
    meeting, agency = make_meeting(), agency_of("63.02")
    ids = insert_rows(db.session, Participant.__table__,
                      [participant_row(meeting, agency, name, None) for name in ("A", "B", "C")])
    found = db.session.scalars(select(Participant.name).where(
        among(db.session, (Participant.id, Participant.name), [(ids[0], "A"), (ids[1], "C"), (ids[2], "C")]))
        .order_by(Participant.name)).all()
    assert found == ["A", "C"]
