"""A held meeting of a small province: two agenda items, two invited regencies with
participants (some present), one agreed commitment, and a user of every role."""
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from rakor.commitments import services as commitments
from rakor.commitments.services import CommitmentData
from rakor.regions.programmes import load_shipped_programmes
from tests.factories import (
    make_agency,
    make_agenda_item,
    make_meeting,
    make_participant,
    make_province,
    make_quota,
    make_region,
    make_user,
    topic_id,
)
from tests.factories.meetings import SIGNING_OFFICERS


@pytest.fixture
def mm(db):
    load_shipped_programmes()
    province = make_province("97")
    regions = [make_region(parent=province, kemendagri_code=f"97.0{i}") for i in (1, 2, 3)]
    agencies = [make_agency(region=r, name=f"Bappeda Kabupaten Notula {i}", short_name=f"Bappeda N{i}")
                for i, r in enumerate(regions, start=1)]
    meeting = make_meeting(
        organizer=make_agency(region=province, name="Bappeda Provinsi Notula", short_name="Bappeda Notula"),
        title="Rakor Notulen Uji", status="held", venue="Aula Bappeda", city="Kotabaru",
        starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC), ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC),
        **SIGNING_OFFICERS)
    items = [make_agenda_item(meeting, title="Paparan data kemiskinan", presenter="Angga Priyadi, ST",
                              starts_at=datetime(2024, 2, 1, 1, 0, tzinfo=UTC),
                              ends_at=datetime(2024, 2, 1, 2, 0, tzinfo=UTC)),
             make_agenda_item(meeting, title="Evaluasi program stunting", presenter="Bappeda kabupaten")]
    for agency in agencies[:2]:
        make_quota(meeting, agency)
    make_participant(meeting, agencies[0], name="Ir. H. Hadir Satu, M.T.", nip="196805121993031007",
                     checked_in_at=datetime(2024, 2, 1, 0, 0, tzinfo=UTC))
    make_participant(meeting, agencies[0], name="Absen Dua, S.E.")
    make_participant(meeting, agencies[1], name="Hj. Hadir Tiga, S.T.",
                     checked_in_at=datetime(2024, 2, 1, 0, 5, tzinfo=UTC))
    committee = make_user("committee", name="Angga Priyadi, ST")
    delegate = make_user("delegate", agency=agencies[0], name="Delegasi Notula Satu")
    agreed = commitments.create_commitment(meeting, CommitmentData(
        title="Perlindungan sosial keluarga miskin ekstrem", agency_id=agencies[0].id,
        indicator_id=topic_id("KEMISKINAN"), target_value=Decimal("5.75"),
        target_date=datetime(2024, 12, 31).date(), programme_code="1.06.05",
        responsible_office="Dinas Sosial", budget=Decimal("1250000000"), funding_source="apbd",
        budget_year=2024), delegate, submit=True)
    commitments.change_status(agreed, "agreed", committee)
    return SimpleNamespace(
        meeting=meeting, items=items, agencies=agencies, agreed=agreed, committee=committee,
        delegate=delegate, outsider=make_user("delegate", agency=agencies[2]),
        leadership=make_user("leadership", name="Pimpinan Uji"), admin=make_user("admin"))


def body(opening="Rapat dibuka pukul 08.30 WITA.", items=None, conclusions="", closing=""):
    return {"opening": opening, "items": items or {}, "conclusions": conclusions, "closing": closing}
