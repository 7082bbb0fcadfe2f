"""The seed meeting's 52 delegates."""
import pytest
from sqlalchemy import func, select

from rakor import demo
from rakor.extensions import db as _db
from rakor.participants.demo import PEOPLE, load_seed_delegates
from rakor.participants.models import Participant, SeatQuota
from rakor.participants.normalize import normalize_nip
from rakor.participants.stats import meeting_stats


def _snapshot(meeting_id):
    return _db.session.execute(
        select(Participant.agency_id, Participant.name, Participant.nip, Participant.phone, Participant.email,
               Participant.position, Participant.checked_in_at, Participant.registered_at)
        .where(Participant.meeting_id == meeting_id).order_by(Participant.name)).all()


@pytest.mark.demo
def test_demo_loads_52_delegates_4_per_agency_about_40_present_idempotent(db):
    meeting_id = demo.load().meeting_id
    stats = meeting_stats(meeting_id)
    assert len(stats.quota_rows) == 13 and {r.seats for r in stats.quota_rows} == {4}
    assert {r.registered for r in stats.rows} == {4}
    assert (stats.seats, stats.registered, stats.checked_in) == (52, 52, 40)
    people = _db.session.scalars(select(Participant).where(Participant.meeting_id == meeting_id)).all()
    assert all(p.is_demo and p.registered_via == "demo" and p.meeting_role == "peserta" for p in people)
    assert all(p.phone.startswith("+62812") and p.email.endswith("@demo.rakor.id") for p in people)
    nips = [p.nip for p in people if p.nip]
    assert 30 <= len(nips) < 52 and all(normalize_nip(n) == n for n in nips)
    assert len({p.email for p in people}) == 52 and len({p.checkin_code for p in people}) == 52
    assert any(p.position.startswith("Kepala Bappeda") for p in people)
    first = _snapshot(meeting_id)
    # A second load adds nothing and changes nothing.
    demo.load()
    assert _snapshot(meeting_id) == first
    assert _db.session.scalar(select(func.count(SeatQuota.id)).where(SeatQuota.meeting_id == meeting_id)) == 13


def test_names_are_plausible_and_unique():
    names = [name for agency in PEOPLE for name, _gender in agency]
    assert len(names) == 52 == len(set(names))
    assert sum("," in n for n in names) >= 45  # academic titles after the name


def test_seed_delegates_on_a_smaller_province(province_meeting):
    m = province_meeting.meeting
    assert load_seed_delegates(m) == 12
    assert load_seed_delegates(m) == 0
    assert meeting_stats(m.id).registered == 12
