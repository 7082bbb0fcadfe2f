import pytest

from rakor.core.errors import DomainError
from rakor.participants import normalize
from rakor.participants.quotas import seats_taken, set_seats, set_seats_for_province
from rakor.participants.services import (
    QuotaFullError,
    cancel_participant,
    check_in,
    clean_participant,
    register_participant,
    update_participant,
)
from tests.factories import make_agency, make_meeting, make_province, make_quota, make_region, make_user


def data(agency, **raw):
    raw.setdefault("name", "Drs. H. Said Akhmad, MM")
    result = clean_participant(raw, agency.id)
    assert result.errors == {}
    return result.data


@pytest.mark.parametrize("typed", ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890",
                                   "+62 812 3456 7890"])
def test_indonesian_phone_numbers_are_one_number(typed):
    assert normalize.normalize_phone(typed) == "+6281234567890"


@pytest.mark.parametrize("bad", ["19800101200501100A", "19800101200501100", "1980010120050110011"])
def test_nip_must_be_18_digits(bad):
    with pytest.raises(DomainError):
        normalize.normalize_nip(bad)


def test_nip_keeps_leading_zeros_and_titles_are_kept():
    assert normalize.normalize_nip("012345678901234567") == "012345678901234567"
    result = clean_participant({"name": "  Rahmiyanti  Janoezir P., ST., MA ", "gender": "perempuan",
                                "meeting_role": "Narasumber", "email": "R@Example.ID"}, 1)
    assert result.data.name == "Rahmiyanti Janoezir P., ST., MA"
    assert (result.data.gender, result.data.meeting_role, result.data.email) == ("P", "narasumber", "r@example.id")


def test_clean_collects_every_error():
    result = clean_participant({"name": "", "nip": "123", "email": "budi@", "phone": "12", "gender": "x",
                                "meeting_role": "boss"}, None)
    assert set(result.errors) == {"name", "nip", "email", "phone", "gender", "meeting_role", "agency_id"}


def test_quota_is_enforced_and_committee_override_is_recorded(db):
    meeting, agency = make_meeting(), make_agency()
    make_quota(meeting, agency, seats=2)
    user = make_user()
    for i in range(2):
        register_participant(meeting, data(agency, name=f"Peserta {i}"), by_user=user)
    with pytest.raises(QuotaFullError):
        register_participant(meeting, data(agency, name="Peserta 3"), by_user=user)
    p, _ = register_participant(meeting, data(agency, name="Peserta 3"), by_user=user,
                                override_reason="Kepala Bappeda hadir sendiri")
    assert p.quota_override_reason == "Kepala Bappeda hadir sendiri"
    # Speakers do not take a delegate seat.
    register_participant(meeting, data(agency, name="Narasumber", meeting_role="narasumber"))


def test_invitation_path_needs_a_quota(db):
    meeting, agency = make_meeting(), make_agency()
    with pytest.raises(QuotaFullError):
        register_participant(meeting, data(agency), via="invitation", require_quota=True)


def test_duplicates_refused_same_name_warned(db):
    meeting, agency = make_meeting(), make_agency()
    register_participant(meeting, data(agency, name="Budi", nip="198001012005011001", email="b@x.id"))
    with pytest.raises(DomainError) as err:
        register_participant(meeting, data(agency, name="Budi 2", nip="198001012005011001"))
    assert err.value.field == "nip"
    with pytest.raises(DomainError) as err:
        register_participant(meeting, data(agency, name="Budi 3", email="B@x.id"))
    assert err.value.field == "email"
    _, warnings = register_participant(meeting, data(agency, name="budi"))
    assert len(warnings) == 1
    # The same NIP in another meeting is fine.
    register_participant(make_meeting(), data(agency, name="Budi", nip="198001012005011001"))


def test_cancel_frees_the_seat_and_the_nip(db):
    meeting, agency = make_meeting(), make_agency()
    make_quota(meeting, agency, seats=1)
    p, _ = register_participant(meeting, data(agency, nip="198001012005011001"))
    assert seats_taken(meeting.id, agency.id) == 1
    cancel_participant(p)
    assert p.status == "cancelled" and p.cancelled_at is not None
    assert seats_taken(meeting.id, agency.id) == 0
    # The one seat and the NIP are free again: the replacement takes both, the cancelled row stays.
    replacement, _ = register_participant(meeting, data(agency, name="Pengganti", nip="198001012005011001"))
    assert replacement.id != p.id and replacement.status == "registered"
    assert replacement.nip == p.nip == "198001012005011001"
    assert seats_taken(meeting.id, agency.id) == 1
    db.session.refresh(p)
    assert p.status == "cancelled"


def test_moving_to_a_full_agency_is_refused(db):
    meeting, a1, a2 = make_meeting(), make_agency(), make_agency()
    make_quota(meeting, a2, seats=1)
    register_participant(meeting, data(a2, name="X"))
    p, _ = register_participant(meeting, data(a1, name="Y"))
    with pytest.raises(QuotaFullError):
        update_participant(p, data(a2, name="Y"))


def test_cancelled_meeting_refuses_registration(db):
    meeting, agency = make_meeting(status="cancelled"), make_agency()
    with pytest.raises(DomainError):
        register_participant(meeting, data(agency))


def test_check_in_twice_is_harmless(db):
    meeting, agency, user = make_meeting(), make_agency(), make_user()
    p, _ = register_participant(meeting, data(agency))
    assert check_in(p, by_user=user) is True
    first = p.checked_in_at
    assert check_in(p, by_user=user) is False
    assert p.checked_in_at == first


def test_seats_validation_and_bulk_for_province(db):
    province = make_province("96")
    agencies = [make_agency(region=make_region(parent=province, kemendagri_code=f"96.0{i}")) for i in (1, 2, 3)]
    organizer = make_agency(region=province)
    meeting = make_meeting(organizer=organizer)
    quotas = set_seats_for_province(meeting, 4)
    assert sorted(q.agency_id for q in quotas) == sorted(a.id for a in agencies)
    assert {q.seats for q in quotas} == {4}
    for bad in (0, -1, "abc"):
        with pytest.raises(DomainError):
            set_seats(meeting, agencies[0], bad)
    register_participant(meeting, data(agencies[0], name="A"))
    register_participant(meeting, data(agencies[0], name="B"))
    with pytest.raises(DomainError):
        set_seats(meeting, agencies[0], 1)


def test_self_service_changes_only_inside_the_registration_window(db):
    from datetime import UTC, datetime, timedelta

    agency = make_agency()
    past = make_meeting()  # 2024: registration closed at its start
    make_quota(past, agency, seats=2)
    with pytest.raises(DomainError, match="closed|ditutup"):
        register_participant(past, data(agency), self_service=True)
    # The committee may still correct a past meeting's list.
    p, _ = register_participant(past, data(agency))
    with pytest.raises(DomainError):
        update_participant(p, data(agency, name="Nama Baru"), self_service=True)
    with pytest.raises(DomainError):
        cancel_participant(p, self_service=True)

    soon = datetime.now(UTC) + timedelta(days=7)
    future = make_meeting(starts_at=soon, ends_at=soon + timedelta(hours=6))
    make_quota(future, agency, seats=1)
    p, _ = register_participant(future, data(agency), self_service=True)
    update_participant(p, data(agency, name="Nama Baru"), self_service=True)
    assert p.name == "Nama Baru"
    # Self-service needs a quota: an agency without seats cannot register itself.
    with pytest.raises(QuotaFullError):
        register_participant(future, data(make_agency()), self_service=True)
