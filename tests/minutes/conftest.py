"""A held meeting of a small province: two agenda items, two invited regencies with
participants (some present), one agreed commitment, and a user of every role."""
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from rakor.commitments import services as commitments
from tests.factories import (
    commitment_data,
    make_agenda_item,
    make_participant,
    make_user,
    small_province_meeting,
    topic_id,
)
from tests.factories.meetings import SIGNING_OFFICERS


@pytest.fixture
def mm(db):
    setting = small_province_meeting(
        "97", "Notula", organizer={"name": "Bappeda Provinsi Notula", "short_name": "Bappeda Notula"},
        title="Rakor Notulen Uji", status="held", venue="Aula Bappeda", city="Kotabaru",
        **SIGNING_OFFICERS)
    meeting, agencies = setting.meeting, setting.agencies
    items = [make_agenda_item(meeting, title="Paparan data kemiskinan", presenter="Angga Priyadi, ST",
                              starts_at=datetime(2024, 2, 1, 1, 0, tzinfo=UTC),
                              ends_at=datetime(2024, 2, 1, 2, 0, tzinfo=UTC)),
             make_agenda_item(meeting, title="Evaluasi program stunting", presenter="Bappeda kabupaten")]
    make_participant(meeting, agencies[0], name="Ir. H. Hadir Satu, M.T.", nip="196805121993031007",
                     checked_in_at=datetime(2024, 2, 1, 0, 0, tzinfo=UTC))
    make_participant(meeting, agencies[0], name="Absen Dua, S.E.")
    make_participant(meeting, agencies[1], name="Hj. Hadir Tiga, S.T.",
                     checked_in_at=datetime(2024, 2, 1, 0, 5, tzinfo=UTC))
    committee = make_user("committee", name="Angga Priyadi, ST")
    delegate = make_user("delegate", agency=agencies[0], name="Delegasi Notula Satu")
    agreed = commitments.create_commitment(meeting, commitment_data(
        agencies[0], topic_id("KEMISKINAN"), title="Perlindungan sosial keluarga miskin ekstrem"),
        delegate, submit=True)
    commitments.change_status(agreed, "agreed", committee)
    return SimpleNamespace(
        meeting=meeting, items=items, agencies=agencies, agreed=agreed, committee=committee,
        delegate=delegate, outsider=make_user("delegate", agency=agencies[2]),
        leadership=make_user("leadership", name="Pimpinan Uji"), admin=make_user("admin"))


def body(opening="Rapat dibuka pukul 08.30 WITA.", items=None, conclusions="", closing=""):
    return {"opening": opening, "items": items or {}, "conclusions": conclusions, "closing": closing}
