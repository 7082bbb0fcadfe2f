"""The notulen as an official record (issue 17): every invited agency with "tidak hadir" where
nobody came; one person never listed twice; signature blocks with jabatan, pangkat/golongan and
NIP, refused at finalisation while any is missing; the configurable place line; the signature
block never cut off from the closing text."""
from datetime import UTC, datetime

import pytest

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.minutes import documents, services
from rakor.participants.documents import attendance_rows
from tests.factories import make_participant, make_quota
from tests.helpers import pdf_text
from tests.minutes.conftest import body

FINALISED = datetime(2024, 2, 5, 1, 0, tzinfo=UTC)  # Monday 5 February 2024, 09.00 WITA


def _final_text(mm, **body_fields):
    draft = services.save(mm.meeting, body(**body_fields), mm.committee, None)
    final = services.finalise(mm.meeting, mm.leadership, draft.id, lambda c: f"http://localhost/v/{c}",
                              now=FINALISED)
    return pdf_text(documents.publish_final_pdf(mm.meeting, final).content)


def _pages(pdf):
    import io

    from pypdf import PdfReader
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def test_section_ii_lists_every_invited_agency_with_tidak_hadir_where_nobody_came(mm):
    """Before: only agencies with registered people were listed; an invited agency that sent
    nobody was missing from the notulen."""
    make_quota(mm.meeting, mm.agencies[2])  # invited (4 seats), nobody registered
    text = _final_text(mm)
    section = text[text.index("II. PESERTA RAPAT"):text.index("III. PEMBAHASAN")]
    assert "Instansi yang Diundang" in section and "Keterangan" in section
    assert "Bappeda Kabupaten Notula 1 2 1 hadir" in section
    assert "Bappeda Kabupaten Notula 2 1 1 hadir" in section
    assert "Bappeda Kabupaten Notula 3 0 0 tidak hadir" in section
    assert "2 dari 3 instansi yang diundang hadir" in text


def test_an_agency_whose_delegates_all_stayed_away_is_tidak_hadir(mm):
    make_quota(mm.meeting, mm.agencies[2])
    make_participant(mm.meeting, mm.agencies[2], name="Tidak Datang, S.T.")  # registered, never checked in
    text = _final_text(mm)
    assert "Bappeda Kabupaten Notula 3 1 0 tidak hadir" in text
    assert "Tidak Datang, S.T. Bappeda Kabupaten Notula 3 Tidak hadir" in text


def test_a_person_registered_twice_is_listed_once_present_if_either_record_was_checked_in(mm):
    """Before: a row copied twice in an import printed one person twice as "Hadir"."""
    make_participant(mm.meeting, mm.agencies[1], name="Hj. Hadir Tiga, S.T.")  # the copy, not checked in
    text = _final_text(mm)
    annex = text[text.index("LAMPIRAN: DAFTAR HADIR PESERTA"):]
    assert annex.count("Hj. Hadir Tiga, S.T.") == 1
    assert "Hj. Hadir Tiga, S.T. Bappeda Kabupaten Notula 2 Hadir" in annex
    # Two namesakes told apart by their NIPs stay two people.
    make_participant(mm.meeting, mm.agencies[0], name="Ahmad Fauzi", nip="198001012005011001")
    make_participant(mm.meeting, mm.agencies[0], name="Ahmad Fauzi", nip="198502022010011002")
    rows = attendance_rows(mm.meeting.id)
    assert [r["name"] for r in rows].count("Ahmad Fauzi") == 2
    assert [r["no"] for r in rows] == list(range(1, len(rows) + 1))


def test_signature_blocks_carry_jabatan_pangkat_and_nip_and_the_place_line(mm):
    text = _final_text(mm, closing="Rapat ditutup pukul 16.00 WITA.")
    signing = text[text.index("PENUTUP"):text.index("LAMPIRAN")]
    # The organizer has no address: the place is the meeting's town, written as in every document.
    assert "Kotabaru, 5 Februari 2024 Pimpinan Rapat," in signing
    assert "Rahmiyanti Janoezir P., S.T., M.A." in signing and "Pembina (IV/a)" in signing
    assert "NIP. 19750101 200003 2 001" in signing
    assert "Nur Aisyah, S.E." in signing and "Penata Muda (III/a)" in signing
    assert "NIP. 19920415 201903 2 011" in signing
    assert "Notulis : Nur Aisyah, S.E. Perencana Ahli Pertama" in text


def test_the_place_of_signing_is_a_meeting_field_and_a_draft_leaves_the_date_open(mm):
    mm.meeting.signing_place = "Kota Banjarbaru"
    draft = services.save(mm.meeting, body(), mm.committee, None)
    text = pdf_text(documents.render_minutes_pdf(mm.meeting, draft))
    assert "Banjarbaru, ........................ Pimpinan Rapat," in text
    final = services.finalise(mm.meeting, mm.leadership, draft.id, lambda c: "http://localhost/v/x", now=FINALISED)
    text = pdf_text(documents.publish_final_pdf(mm.meeting, final).content)
    assert "Banjarbaru, 5 Februari 2024 Pimpinan Rapat," in text and "Kotabaru, 5 Februari" not in text


@pytest.mark.parametrize(("blank", "named"), [
    ({"chair_nip": None}, "NIP pimpinan rapat"),
    ({"chair_position": None}, "jabatan pimpinan rapat"),
    ({"chair_rank": None}, "pangkat/golongan pimpinan rapat"),
    ({"minute_taker_nip": None, "minute_taker_position": None},
     "jabatan notulis dan NIP notulis"),
    ({"minute_taker_rank": None, "minute_taker_name": None}, "nama notulis dan pangkat/golongan notulis"),
])
def test_finalising_is_refused_while_a_signature_block_is_incomplete(app, mm, blank, named):
    """Before: a blank NIP was finalised and printed as "NIP. ........"."""
    for name, value in blank.items():
        setattr(mm.meeting, name, value)
    draft = services.save(mm.meeting, body(), mm.committee, None)
    with pytest.raises(DomainError) as refused:
        services.finalise(mm.meeting, mm.leadership, draft.id, lambda c: "http://localhost/v/x")
    with app.test_request_context(headers={"Accept-Language": "id"}):
        message = str(refused.value.message)
    assert message.startswith("Notulen belum dapat difinalkan: blok tanda tangannya memerlukan ")
    assert named in message and "halaman ubah rapat" in message
    assert mm.meeting.status == "held"


def test_the_finalise_page_names_what_to_fill_in(client, mm, login_as):
    mm.meeting.chair_nip = None
    draft = services.save(mm.meeting, body(), mm.committee, None)
    db.session.commit()
    login_as("committee")
    page = client.post(f"/meetings/{mm.meeting.id}/minutes/finalise", data={"expected_revision_id": draft.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "Notulen belum dapat difinalkan" in page and "NIP pimpinan rapat" in page


def test_a_regional_secretary_in_the_chair_signs_with_the_name_only(mm):
    """Permendagri 1/2023, Pasal 44: the regional head, deputy and secretary sign without NIP
    and pangkat/golongan, so none is required of them."""
    mm.meeting.chair_name, mm.meeting.chair_position = "Drs. H. Said Akhmad, MM", "Sekretaris Daerah Kabupaten Kotabaru"
    mm.meeting.chair_nip = mm.meeting.chair_rank = None
    text = _final_text(mm)
    signing = text[text.index("PENUTUP"):text.index("LAMPIRAN")]
    assert "Drs. H. Said Akhmad, MM" in signing and signing.count("NIP.") == 1  # the minute-taker's


@pytest.mark.parametrize("paragraphs", [1, 6, 12, 18, 24, 30, 36])
def test_the_signature_block_never_stands_without_the_closing_text(mm, paragraphs):
    """Before: on a meeting whose text ended near a page's foot, the signatures sat alone on
    the next page. Whatever the length before it, the page with the signatures also holds the
    closing section's heading, or at least the end of its text."""
    opening = "\n\n".join(f"Paragraf pembukaan {i}: " + "uraian pembukaan rapat " * 25 for i in range(paragraphs))
    closing = "Rapat ditutup pukul 16.00 WITA oleh pimpinan rapat.\n\nPenutup baris kedua diucapkan."
    draft = services.save(mm.meeting, body(opening=opening, closing=closing), mm.committee, None)
    pages = _pages(documents.render_minutes_pdf(mm.meeting, draft))
    with_signatures = next(p for p in pages if "Pimpinan Rapat," in p and "Notulis," in p)
    assert "Penutup baris kedua diucapkan." in with_signatures
    assert "Kotabaru, ...." in with_signatures


def test_verification_codes_are_letters_and_digits_only():
    """The minutes-queue test's flake: token_urlsafe codes hold '-' and '_'; one ending in '-' at
    the end of the printed line is read (by pdftotext, and by a person) as a hyphenated break,
    so the code on paper was not the code of the page (about one final PDF in 64)."""
    import re

    codes = {services.new_verification_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(re.fullmatch(r"[A-Za-z0-9]{12}", c) for c in codes)



def test_the_minutes_page_says_what_the_signature_blocks_still_need_before_the_click(client, mm, login_as):
    mm.meeting.minute_taker_rank = None
    services.save(mm.meeting, body(), mm.committee, None)
    db.session.commit()
    login_as("committee")
    page = client.get(f"/meetings/{mm.meeting.id}/minutes").get_data(as_text=True)
    assert 'id="signatories-missing"' in page and "pangkat/golongan notulis" in page
    assert f"/meetings/{mm.meeting.id}/edit#chair_name" in page
    mm.meeting.minute_taker_rank = "Penata Muda (III/a)"
    db.session.commit()
    assert 'id="signatories-missing"' not in client.get(f"/meetings/{mm.meeting.id}/minutes").get_data(as_text=True)
