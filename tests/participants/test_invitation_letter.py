"""The surat undangan: what it says (pdftotext), when it gets its number, how it travels (the
invitation e-mail, the invitations page, the CLI), and the committee's typed number."""
import io
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.mail.models import OutboundMail
from rakor.meetings.services import MeetingData, update_meeting
from rakor.numbering.models import RegisteredNumber
from rakor.numbering.services import SchemeData, save_scheme
from rakor.participants import letters
from rakor.participants.invitations import create_invitation
from rakor.participants.mails import queue_invitation_link
from rakor.regions import logos
from tests.factories import (
    make_agency,
    make_agenda_item,
    make_meeting,
    make_province,
    make_quota,
    make_region,
    make_user,
)
from tests.regions.test_agency_letterhead import image


def pdf_text(content):
    """The text line by line as laid out (a letter's label : value rows stay rows)."""
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())



def is_draft(content):
    """The rotated DRAF watermark, read in content order (the layout splits rotated letters)."""
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=content, capture_output=True, check=True)
    return "DRAF" in out.stdout.decode().replace("\n", "")


SENT = datetime(2024, 1, 15, 2, 0, tzinfo=UTC)


def organizer_with_head():
    province = make_province()
    organizer = make_agency(name="Bappeda Provinsi Uji Selatan", short_name="Bappeda Uji", region=province,
                            address="Jl. Dharma Praja II, Banjarbaru 70732", phone="(0511) 6749051",
                            email="bappeda@uji.go.id", website="bappeda.uji.go.id",
                            head_position="Kepala Bappeda Provinsi Uji Selatan", head_name="Dr. Hj. Siti Aminah, M.Si.",
                            head_rank="Pembina Utama Muda (IV/c)", head_nip="197003151996032004")
    organizer.logo_stored_name = logos.store_logo(image())
    save_scheme(organizer.id, SchemeData(template="000.1.5/{seq}/Bappeda/{year}"))
    return organizer, province


def letter_meeting(regencies=2, **overrides):
    organizer, province = organizer_with_head()
    meeting = make_meeting(organizer=organizer, title="Rapat Koordinasi Uji Stunting", venue="Aula Gawi Sabarataan",
                           city="Banjarbaru", dress_code="Batik lengan panjang", contact_name="Rina",
                           contact_phone="+6281234567890", **overrides)
    make_agenda_item(meeting, title="Pembukaan oleh Sekretaris Daerah", starts_at=meeting.starts_at,
                     ends_at=meeting.starts_at + timedelta(minutes=30), presenter="Sekda Provinsi")
    agencies = [make_agency(name=f"Bappeda Kabupaten Uji {i}", region=make_region(parent=province))
                for i in range(regencies)]
    for agency in agencies:
        make_quota(meeting, agency)
    letters.save_letter(meeting, nature="Segera", place="Banjarbaru",
                        copies="Gubernur Uji Selatan (sebagai laporan)\nSekretaris Daerah Provinsi Uji Selatan")
    return meeting, agencies


def test_the_letter_has_every_element_of_a_permendagri_letter(app, db):
    meeting, agencies = letter_meeting(regencies=2)
    letters.number_letter(meeting, at=SENT)
    content = letters.invitation_pdf(meeting)
    text = pdf_text(content)
    for expected in (
        "PEMERINTAH PROVINSI", "Telepon (0511) 6749051 · Pos-el bappeda@uji.go.id · Laman bappeda.uji.go.id",
        "Nomor : 000.1.5/1/Bappeda/2024 Banjarbaru, 15 Januari 2024", "Sifat : Segera",
        "Lampiran : 1 (satu) berkas", "Hal : Undangan Rapat Koordinasi Uji Stunting",
        "Yth. 1. Kepala Bappeda Kabupaten Uji 0 2. Kepala Bappeda Kabupaten Uji 1 di Tempat",
        "hari/tanggal : Kamis, 1 Februari 2024", "waktu : 08.30 – 16.00 WITA",
        "tempat : Aula Gawi Sabarataan, Banjarbaru", "pakaian : Batik lengan panjang",
        "narahubung: Rina (0812-3456-7890)",
        "Kepala Bappeda Provinsi Uji Selatan, Dr. Hj. Siti Aminah, M.Si. Pembina Utama Muda (IV/c) "
        "NIP 19700315 199603 2 004",
        "Tembusan: 1. Gubernur Uji Selatan (sebagai laporan) 2. Sekretaris Daerah Provinsi Uji Selatan",
        "SUSUNAN ACARA", "Pembukaan oleh Sekretaris Daerah", "Sekda Provinsi",
    ):
        assert expected in text, expected
    assert not is_draft(content)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 2  # the letter, then the susunan acara
    assert len(reader.pages[0].images) == 1  # the logo in the kop


def test_many_addressees_are_listed_in_an_attachment(app, db):
    meeting, agencies = letter_meeting(regencies=5)
    text = pdf_text(letters.invitation_pdf(meeting))
    assert "Yth. Para Undangan (daftar terlampir)" in text and "Lampiran : 2 (dua) berkas" in text
    assert "DAFTAR UNDANGAN" in text and all(f"Kepala {a.name}" in text for a in agencies)


def test_an_unnumbered_letter_is_a_draft_and_numbering_keeps_the_number(app, db):
    meeting, _agencies = letter_meeting()
    assert is_draft(letters.invitation_pdf(meeting))
    first = letters.number_letter(meeting, at=SENT)
    assert letters.number_letter(meeting).id == first.id and meeting.letter_number == "000.1.5/1/Bappeda/2024"


def test_a_number_typed_on_the_meeting_is_registered_as_typed_and_never_changes(app, db):
    meeting, _agencies = letter_meeting(letter_number="005/412/Bappeda/2024")
    entry = letters.number_letter(meeting, at=SENT)
    assert (entry.number, entry.is_manual) == ("005/412/Bappeda/2024", True)
    data = MeetingData(**{f: getattr(meeting, f) for f in MeetingData.__dataclass_fields__
                          if hasattr(meeting, f)})
    data.letter_number = "005/999/Bappeda/2024"
    with pytest.raises(DomainError) as err:
        update_meeting(meeting, data)
    assert err.value.field == "letter_number" and "005/412/Bappeda/2024" in str(err.value.message)


def test_the_invitation_email_numbers_the_letter_and_carries_it(app, db):
    meeting, agencies = letter_meeting(starts_at=datetime(2030, 2, 7, 1, 0, tzinfo=UTC),
                                       ends_at=datetime(2030, 2, 7, 5, 0, tzinfo=UTC))
    committee = make_user(role="committee")
    for agency in agencies:
        invitation, _token = create_invitation(meeting, agency, by_user=committee, contact_email="a@uji.go.id")
        queue_invitation_link(invitation, "https://rakor.example/i/x", by_user=committee)
    mails = db.session.scalars(select(OutboundMail).where(OutboundMail.meeting_id == meeting.id)
                               .options(selectinload(OutboundMail.attachments))).all()
    assert len(mails) == 2
    for mail in mails:
        [attachment] = mail.attachments
        assert attachment.mimetype == "application/pdf"
        assert "Nomor : 000.1.5/1/Bappeda/" in pdf_text(attachment.content)
        assert "surat undangan" in mail.text_body.lower()
    numbers = db.session.scalars(select(RegisteredNumber).where(RegisteredNumber.meeting_id == meeting.id)).all()
    assert [n.kind for n in numbers] == ["invitation"]  # one letter, one number, whatever the mails


def test_invitations_page_offers_the_letter_and_takes_a_typed_number(client, login_as, app):
    meeting, _agencies = letter_meeting()
    db.session.commit()
    login_as("committee")
    html = client.get(f"/meetings/{meeting.id}/invitations").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/documents/invitation.pdf" in html and "belum bernomor" in html.lower()
    response = client.post(f"/meetings/{meeting.id}/invitations/letter/number", data={"number": "abc"})
    assert response.status_code == 422 and 'value="abc"' in response.get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/invitations/letter/number", data={"number": "005/77/Bappeda/2024"})
    assert response.status_code == 302
    html = client.get(f"/meetings/{meeting.id}/invitations").get_data(as_text=True)
    assert "005/77/Bappeda/2024" in html
    response = client.get(f"/meetings/{meeting.id}/documents/invitation.pdf")
    assert response.status_code == 200 and "Nomor : 005/77/Bappeda/2024" in pdf_text(response.data)
    response = client.post(f"/meetings/{meeting.id}/invitations/letter", data={"nature": "Biasa", "place": "x" * 101})
    assert response.status_code == 422


def test_cli_renders_the_letter(app, db, tmp_path):
    meeting, _agencies = letter_meeting()
    db.session.commit()
    out = tmp_path / "undangan.pdf"
    result = app.test_cli_runner().invoke(args=["documents", "render", str(meeting.id), "invitation", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Hal : Undangan Rapat Koordinasi Uji Stunting" in pdf_text(out.read_bytes())


def test_every_kop_has_the_logo(app, db):
    """letterhead_for reads the logo itself (the notulen, berita acara and laporan monitoring
    printed a kop without it: issue 17)."""
    from rakor.regions.letterhead import letterhead_for

    organizer, _province = organizer_with_head()
    kop = letterhead_for(organizer)
    assert kop.logo.startswith("data:image/png;base64,") and "Pos-el bappeda@uji.go.id" in kop.address
