"""The demo: the seed meeting has final minutes (version 1) built from the news report and the
demo commitments, and so "minutes final"; the earlier demo steps still did their work."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from rakor import demo
from rakor.commitments.models import Commitment
from rakor.meetings.models import Meeting
from rakor.minutes import queries
from rakor.participants.models import Participant


@pytest.mark.demo
def test_the_seed_meeting_has_final_minutes_from_the_report(db):
    meeting_id = demo.load().meeting_id
    final = queries.latest_final(meeting_id)
    assert final is not None and final.version == 1 and final.finalised_by.email == "pimpinan@demo.rakor.id"
    assert queries.current_revision(meeting_id).id == final.id
    pdf = queries.stored_pdf(final.id).content
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for expected in ("Drs. H. Said Akhmad, MM", "Sekretaris Daerah Kabupaten Kotabaru", "Kepala Bidang",
                     "Indeks Pembangunan Manusia", "Kemiskinan", "Stunting", "Standar Pelayanan Minimal",
                     "Kawasan Perdesaan", "2,44 sampai 6,25 persen", "52 orang terdaftar, 40 orang hadir",
                     "Kamis, 1 Februari 2024", "08.30 – 16.00 WITA", "1.06.05"):
        assert expected in text, expected
    assert db.session.get(Meeting, meeting_id).status == "minutes_final"
    assert db.session.scalar(select(func.count(Participant.id)).where(Participant.meeting_id == meeting_id)) == 52
    assert db.session.scalar(select(func.count(Commitment.id)).where(Commitment.meeting_id == meeting_id)) == 65
    # Idempotent: loading again adds no revision.
    demo.load()
    assert len(queries.history(meeting_id)) == 1
