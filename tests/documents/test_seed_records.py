"""The seed meeting's berita acara, notulen and daftar hadir, read as text (issue 17): what a
Bappeda secretary checks before signing. One demo load for all three documents."""
import re

from sqlalchemy import select

from rakor import demo
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.documents import registry
from rakor.meetings.models import Meeting
from rakor.minutes import queries
from tests.helpers import pdf_text

REGENCIES = ("Tanah Laut", "Kotabaru", "Banjar", "Barito Kuala", "Tapin", "Hulu Sungai Selatan",
             "Hulu Sungai Tengah", "Hulu Sungai Utara", "Tabalong", "Tanah Bumbu", "Balangan")


def test_the_seed_meetings_records(db):
    meeting = db.session.get(Meeting, demo.load().meeting_id)
    agreed = db.session.scalars(select(Commitment).where(Commitment.meeting_id == meeting.id,
                                                         Commitment.status == CommitmentStatus.AGREED)).all()
    # Every agreed demo commitment is measured, the rural ones by the village development index.
    assert len(agreed) == 58 and all(c.indicator_id and c.target_value is not None for c in agreed)

    agreement = pdf_text(registry.render_pdf(registry.get("agreement"), meeting, None))
    assert "Pada hari ini Kamis tanggal satu bulan Februari tahun dua ribu dua puluh empat, bertempat di" in agreement
    assert "kami yang bertanda tangan di bawah ini" in agreement
    assert "Pemerintah Provinsi Kalimantan Selatan" in agreement
    assert "Indeks Desa Membangun (IDM)" in agreement and "Baseline" not in agreement
    assert not re.search(r"RK-2024-\d{4}-63\.\d\d-\d\d – –", agreement)  # no agreed row without indicator
    assert "untuk dipergunakan sebagaimana mestinya." in agreement
    assert "Banjarbaru, 1 Februari 2024 PARA PIHAK" in agreement
    assert "Pembina (IV/a) NIP. 19750101 200003 2 001" in agreement  # the chair, for the province
    assert agreement.count("Pembina Utama Muda (IV/c)") >= 13  # each region's head of Bappeda

    minutes = pdf_text(queries.stored_pdf(queries.latest_final(meeting.id).id).content)
    for regency in REGENCIES:
        assert f"Bappeda Kabupaten {regency} 4 3 hadir" in minutes
    assert "Banjarbaru, 5 Februari 2024 Pimpinan Rapat," in minutes
    assert "Penata Muda (III/a)" in minutes and "NIP. 19920415 201903 2 011" in minutes
    assert "6,25 %" not in minutes and "DRAF" not in minutes

    attendance = pdf_text(registry.render_pdf(registry.get("attendance"), meeting, None))
    assert "No HP" in attendance and "0812-5" in attendance
    walk_ins = attendance[attendance.index("Peserta yang belum terdaftar"):]
    assert " 53. " in walk_ins and " 1. " not in walk_ins
    assert "Banjarbaru, 1 Februari 2024 Mengetahui," in attendance
    assert "Pembina (IV/a) NIP. 19750101 200003 2 001" in attendance
