"""The notulen PDF: what it says (checked in its text), drafts and the final file, the CLI."""
import hashlib
import io
import re

from pypdf import PdfReader

from rakor.extensions import db
from rakor.minutes import documents, queries, services
from tests.factories import make_participant
from tests.minutes.conftest import body

NOTES = "**Dibahas** data BPS 2023: kemiskinan 2,44–6,25 %.\n\n- intervensi *by name by address*\n- data terpadu"


def _text(pdf):
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def _write(mm):
    first, second = mm.items
    return services.save(mm.meeting, body(
        opening="Rapat dibuka oleh Sekretaris Daerah.",
        items={str(first.id): {"discussion": NOTES, "conclusions": "Perbaikan data tidak bisa ditawar."},
               str(second.id): {"discussion": "Desa lokus stunting.", "conclusions": "Target turun 4 poin."}},
        conclusions="Program disepakati bersama.", closing="Rapat ditutup pukul 16.00 WITA."), mm.committee, None)


def test_the_minutes_read_like_an_indonesian_notulen(mm):
    final = services.finalise(mm.meeting, mm.leadership, _write(mm).id, lambda c: f"https://rakor.example/v/{c}")
    text = _text(documents.publish_final_pdf(mm.meeting, final).content)
    assert "NOTULEN RAPAT" in text and "PEMERINTAH PROVINSI" in text
    assert "Hari/Tanggal : Kamis, 1 Februari 2024" in text
    assert "Waktu : 08.30 – 16.00 WITA" in text and "Tempat : Aula Bappeda, Kotabaru" in text
    assert "Pimpinan Rapat : Rahmiyanti Janoezir P., S.T., M.A." in text and "Notulis : Nur Aisyah, S.E." in text
    # Participants: total registered and present, and per agency.
    assert "3 orang terdaftar, 2 orang hadir; 2 dari 2 instansi yang diundang hadir" in text
    assert "Bappeda Kabupaten Notula 1 2 1" in text and "Bappeda Kabupaten Notula 2 1 1" in text
    # Per agenda item: time, presenter, discussion (Markdown rendered), conclusions.
    assert "1. Paparan data kemiskinan (09.00 – 10.00)" in text and "Penyaji : Angga Priyadi, ST" in text
    assert "Dibahas data BPS 2023: kemiskinan 2,44–6,25 %." in text and "**" not in text
    assert "Perbaikan data tidak bisa ditawar." in text and "Target turun 4 poin." in text
    # The agreed commitments by region, with the programme code and budget.
    assert "RENCANA TINDAK LANJUT" in text and "(97.01)" in text
    assert "1.06.05" in text and "Rp 1.250.000.000" in text and mm.agreed.reference in text
    assert "PENUTUP Rapat ditutup pukul 16.00 WITA." in text
    # Signatures with names and NIPs, the verification line, the annex, page numbers.
    assert "Pimpinan Rapat," in text and "NIP. 19750101 200003 2 001" in text
    assert "Notulis," in text and "NIP. 19920415 201903 2 011" in text
    assert f"https://rakor.example/v/{final.verification_code}" in text and "Pimpinan Uji" in text
    assert "LAMPIRAN: DAFTAR HADIR PESERTA" in text
    assert "Ir. H. Hadir Satu, M.T. Bappeda Kabupaten Notula 1 Hadir" in text
    assert "Absen Dua, S.E. Bappeda Kabupaten Notula 1 Tidak hadir" in text
    assert "196805121993031007" not in text and "19680512 199303" not in text  # no NIPs of delegates
    assert "Halaman 1 dari" in text and "DRAF, bukan dokumen resmi" not in text


def test_a_draft_carries_the_watermark_and_no_verification(mm):
    draft = _write(mm)
    text = _text(documents.render_minutes_pdf(mm.meeting, draft))
    assert "DRAF," in text and "DRAFT" not in text and "bukan dokumen resmi" in text and "/v/" not in text


def test_a_long_table_repeats_its_header_and_a_long_word_does_not_break_the_pdf(mm):
    first = mm.items[0]
    long_notes = "\n".join(f"{i}. Pembahasan butir {i} " + "panjang " * 30 for i in range(1, 80))
    draft = services.save(mm.meeting, body(opening="x" * 3000, items={str(first.id): {"discussion": long_notes}}),
                          mm.committee, None)
    pdf = documents.render_minutes_pdf(mm.meeting, draft)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4
    assert f"Halaman 2 dari {len(reader.pages)}" in reader.pages[1].extract_text()


def test_the_cli_writes_the_final_version_byte_identical_or_the_draft(app, mm, tmp_path):
    final = services.finalise(mm.meeting, mm.committee, _write(mm).id, lambda c: f"http://localhost/v/{c}")
    stored = documents.publish_final_pdf(mm.meeting, final)
    services.save(mm.meeting, body(opening="Koreksi."), mm.committee, final.id, reason="Koreksi")
    db.session.commit()
    runner = app.test_cli_runner()
    out = tmp_path / "notulen.pdf"
    result = runner.invoke(args=["documents", "render", str(mm.meeting.id), "minutes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(out.read_bytes()).hexdigest() == stored.sha256
    result = runner.invoke(args=["documents", "render", str(mm.meeting.id), "minutes", "-o", str(out), "--draft"])
    assert result.exit_code == 0, result.output
    text = _text(out.read_bytes())
    assert "DRAF" in text and "Koreksi." in text and "versi 2" in text
    result = runner.invoke(args=["documents", "render", str(mm.meeting.id), "attendance", "-o", str(out), "--draft"])
    assert result.exit_code == 2 and "no drafts" in result.output


def test_the_cli_says_when_there_is_no_final_version(app, mm, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "render", str(mm.meeting.id), "minutes", "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "no final version" in result.output


def test_publishing_twice_keeps_the_first_file(mm):
    final = services.finalise(mm.meeting, mm.committee, _write(mm).id, lambda c: f"http://localhost/v/{c}")
    first = documents.publish_final_pdf(mm.meeting, final)
    again = documents.publish_final_pdf(mm.meeting, final)
    assert again.sha256 == first.sha256 and queries.stored_pdf(final.id).content == first.content


def test_the_attendance_annex_repeats_its_header_on_every_page_and_splits_no_row(mm):
    for i in range(90):  # three pages of annex
        make_participant(mm.meeting, mm.agencies[i % 2], name=f"Peserta Lampiran {i:02d}")
    draft = services.save(mm.meeting, body(), mm.committee, None)
    reader = PdfReader(io.BytesIO(documents.render_minutes_pdf(mm.meeting, draft)))
    pages = [p.extract_text() for p in reader.pages]
    annex = [i for i, text in enumerate(pages) if "Peserta Lampiran" in text]
    assert len(annex) >= 2
    for i in annex:
        names = re.findall(r"Peserta Lampiran (\d\d)", pages[i])
        assert re.search(r"No\s*Nama\s*Instansi\s*Keterangan", pages[i]), f"page {i + 1} has no header row"
        # A row is whole on its page: each name comes with its agency and presence.
        assert len(names) == len(set(names))
    seen = [n for i in annex for n in re.findall(r"Peserta Lampiran (\d\d)", pages[i])]
    assert sorted(seen) == [f"{i:02d}" for i in range(90)]  # every row once, none split in two
