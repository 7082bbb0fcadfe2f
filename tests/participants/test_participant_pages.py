"""The committee's participant pages (list, add, edit, cancel) and a delegate's own-agency
registration."""
import re

import pytest
from sqlalchemy import func, select

from rakor.extensions import db as _db
from rakor.participants.models import Participant
from tests.factories import make_agency, make_meeting, make_participant, make_quota


def count(meeting, **where):
    stmt = select(func.count(Participant.id)).where(Participant.meeting_id == meeting.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(Participant, key) == value)
    return _db.session.scalar(stmt)


def form_data(agency, **overrides):
    data = {"name": "Drs. H. Said Akhmad, MM", "nip": "", "position": "Sekretaris Daerah",
            "agency_id": str(agency.id), "phone": "0812-3456-7890", "email": "said@kotabarukab.go.id",
            "gender": "L", "meeting_role": "peserta"}
    data.update(overrides)
    return data


def test_committee_adds_a_participant_titles_kept_phone_normalised(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a, seats=4)
    user = login_as("committee")
    response = client.post(f"/meetings/{m.id}/participants/new",
                           data=form_data(a, name="Rahmiyanti Janoezir P., ST., MA", gender="P",
                                          nip="19800101 200501 2 001"))
    assert response.status_code == 302
    p = _db.session.scalar(select(Participant).where(Participant.meeting_id == m.id))
    assert (p.name, p.nip, p.phone, p.gender) == (
        "Rahmiyanti Janoezir P., ST., MA", "198001012005012001", "+6281234567890", "P")
    assert (p.registered_via, p.registered_by_id) == ("committee", user.id)
    html = client.get(f"/meetings/{m.id}/participants").get_data(as_text=True)
    assert "Rahmiyanti Janoezir P., ST., MA" in html and "0812-3456-7890" in html


@pytest.mark.parametrize("field,value,message", [
    ("nip", "19800101200501100A", "NIP terdiri dari tepat 18 angka."),
    ("nip", "19800101200501100", "NIP terdiri dari tepat 18 angka."),
    ("email", "budi@", "Alamat email tidak valid."),
    ("phone", "12", "Nomor telepon tidak valid."),
])
def test_bad_input_shows_indonesian_message_on_its_field_and_keeps_typing(
        client, login_as, province_meeting, field, value, message):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/participants/new", data=form_data(a, **{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    # The message sits right under its own input, which is marked invalid and keeps the value.
    assert re.search(rf'id="{field}"[^>]*>\s*(<div class="form-text">[^<]*</div>\s*)?'
                     rf'<div class="invalid-feedback d-block">{re.escape(message)}</div>', html)
    assert f'value="{value}"' in html
    assert "Drs. H. Said Akhmad, MM" in html  # the rest of what was typed stays too
    assert count(m) == 0


def test_empty_name_and_no_agency_are_refused(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    login_as("committee")
    html = client.post(f"/meetings/{m.id}/participants/new",
                       data=form_data(a, name="", agency_id="")).get_data(as_text=True)
    assert "Kolom ini wajib diisi." in html or "wajib" in html
    assert count(m) == 0


def test_quota_full_needs_explicit_override_with_reason_which_is_recorded(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a, seats=1)
    make_participant(m, a, name="Sudah Terdaftar")
    login_as("committee")
    url = f"/meetings/{m.id}/participants/new"
    html = client.post(url, data=form_data(a)).get_data(as_text=True)
    assert "Kuota penuh" in html and 'id="override-box"' in html and 'name="override"' in html
    assert count(m) == 1
    # Ticking the box without a reason is not enough.
    html = client.post(url, data=form_data(a, override="y", override_reason="  ")).get_data(as_text=True)
    assert "alasan" in html.lower() and count(m) == 1
    response = client.post(url, data=form_data(a, override="y", override_reason="Kepala Bappeda hadir sendiri"))
    assert response.status_code == 302
    p = _db.session.scalar(select(Participant).where(Participant.name == "Drs. H. Said Akhmad, MM"))
    assert p.quota_override_reason == "Kepala Bappeda hadir sendiri"


def test_same_name_in_the_agency_is_warned_not_refused(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_participant(m, a, name="Ahmad Fauzi")
    login_as("committee")
    client.post(f"/meetings/{m.id}/participants/new", data=form_data(a, name="ahmad fauzi", email=""))
    html = client.get(f"/meetings/{m.id}/participants").get_data(as_text=True)
    assert "alert-warning" in html and "ahmad fauzi" in html
    assert count(m, status="registered") == 2


def test_duplicate_nip_is_refused_on_the_nip_field(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_participant(m, a, nip="198001012005011001")
    login_as("committee")
    html = client.post(f"/meetings/{m.id}/participants/new",
                       data=form_data(a, nip="198001012005011001")).get_data(as_text=True)
    assert 'id="nip"' in html and "is-invalid" in html
    assert count(m) == 1


def test_edit_and_cancel(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    p = make_participant(m, a, name="Budi")
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/participants/{p.id}/edit").get_data(as_text=True)
    assert 'value="Budi"' in html
    response = client.post(f"/meetings/{m.id}/participants/{p.id}/edit",
                           data=form_data(a, name="Budi Santoso, S.E.", position="Kabid PPM"))
    assert response.status_code == 302
    _db.session.refresh(p)
    assert (p.name, p.position) == ("Budi Santoso, S.E.", "Kabid PPM")
    assert client.get(f"/meetings/{m.id}/participants/{p.id}/cancel").status_code == 405
    assert client.post(f"/meetings/{m.id}/participants/{p.id}/cancel").status_code == 302
    _db.session.refresh(p)
    assert p.status == "cancelled" and p.cancelled_at is not None


def test_participant_of_another_meeting_is_404(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    other = make_participant(make_meeting(), a)
    login_as("committee")
    assert client.get(f"/meetings/{m.id}/participants/{other.id}/edit").status_code == 404
    assert client.post(f"/meetings/{m.id}/participants/{other.id}/cancel").status_code == 404
    assert client.get("/meetings/999999/participants").status_code == 404


def test_list_search_filter_and_pagination(client, login_as, province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_participant(m, a1, name="Siti Rahmah, S.Si", nip="198501012010012001")
    make_participant(m, a2, name="Muhammad Rizal")
    make_participant(m, a2, name="Batal Orang", status="cancelled")
    for i in range(55):
        make_participant(m, a1, name=f"Zz Peserta {i:02d}")
    login_as("committee")
    base = f"/meetings/{m.id}/participants"
    html = client.get(base, query_string={"q": "rahmah"}).get_data(as_text=True)
    assert "Siti Rahmah" in html and "Muhammad Rizal" not in html
    html = client.get(base, query_string={"q": "2010012001"}).get_data(as_text=True)
    assert "Siti Rahmah" in html
    html = client.get(base, query_string={"q": a2.short_name.lower()}).get_data(as_text=True)
    assert "Muhammad Rizal" in html and "Siti Rahmah" not in html and "Batal Orang" not in html
    html = client.get(base, query_string={"agency": a2.id, "status": "cancelled"}).get_data(as_text=True)
    assert "Batal Orang" in html and "Muhammad Rizal" not in html
    html = client.get(base).get_data(as_text=True)
    assert "Zz Peserta 47" in html and "Zz Peserta 48" not in html  # 50 per page
    assert f"{base}?page=2" in html
    html = client.get(base, query_string={"page": 2}).get_data(as_text=True)
    assert "Zz Peserta 54" in html
    assert client.get(base, query_string={"page": "x", "agency": "y", "status": "z"}).status_code == 200


def test_list_total_read_with_its_rows_and_past_the_last_page(client, login_as, province_meeting):
    """The page's rows carry the total (count(*) OVER ()); a page past the last has no row to
    carry it, so the total is counted apart, and still right."""
    m, (a1, _a2, _a3) = province_meeting.meeting, province_meeting.agencies
    for i in range(53):
        make_participant(m, a1, name=f"Zz Peserta {i:02d}")
    make_participant(m, a1, name="Batal Orang", status="cancelled")
    login_as("committee")
    base = f"/meetings/{m.id}/participants"
    found = "53 peserta ditemukan."
    assert found in client.get(base).get_data(as_text=True)
    assert found in client.get(base, query_string={"page": 2}).get_data(as_text=True)
    html = client.get(base, query_string={"page": 9}).get_data(as_text=True)
    assert found in html and "Zz Peserta" not in html
    assert "0 peserta ditemukan." in client.get(base, query_string={"q": "tidak ada"}).get_data(as_text=True)


def test_list_query_count_does_not_grow_with_participants(client, db, login_as, province_meeting, count_queries):
    m, agencies = province_meeting.meeting, province_meeting.agencies
    for a in agencies:
        make_quota(m, a, seats=40)
    login_as("committee")
    url = f"/meetings/{m.id}/participants"
    for i in range(51):  # more than a page, so both requests count the total
        make_participant(m, agencies[i % 3])
    db.session.commit()
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for i in range(60):
        make_participant(m, agencies[i % 3])
    # Committed, as a registration is: the list's kept content follows committed changes.
    db.session.commit()
    with count_queries() as big:
        assert client.get(url).status_code == 200
    assert big() == small() <= 8


# --- delegates ---------------------------------------------------------------------------------

def test_delegate_registers_and_edits_its_own_agency_within_quota(client, login_as, province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1, seats=1)
    make_participant(m, a2, name="Orang Instansi Lain")
    user = login_as("delegate", agency=a1)
    html = client.get(f"/meetings/{m.id}/participants").get_data(as_text=True)
    assert "Orang Instansi Lain" not in html and a2.name not in html
    # The agency field of the form is ignored: a delegate registers for its own agency.
    response = client.post(f"/meetings/{m.id}/participants/new", data=form_data(a2, name="Delegasi Satu"))
    assert response.status_code == 302
    p = _db.session.scalar(select(Participant).where(Participant.name == "Delegasi Satu"))
    assert (p.agency_id, p.registered_by_id, p.meeting_role) == (a1.id, user.id, "peserta")
    html = client.post(f"/meetings/{m.id}/participants/new", data=form_data(a1, name="Delegasi Dua",
                                                                              email="")).get_data(as_text=True)
    assert "Kuota penuh" in html and 'name="override"' not in html
    assert count(m, agency_id=a1.id) == 1
    assert client.post(f"/meetings/{m.id}/participants/{p.id}/edit",
                       data=form_data(a1, name="Delegasi Satu, S.T.")).status_code == 302


def test_delegate_cannot_touch_another_agency(client, login_as, province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1)
    make_quota(m, a2)
    theirs = make_participant(m, a2, name="Milik Instansi Lain")
    login_as("delegate", agency=a1)
    assert client.get(f"/meetings/{m.id}/participants/{theirs.id}/edit").status_code == 403
    assert client.post(f"/meetings/{m.id}/participants/{theirs.id}/edit",
                       data=form_data(a1, name="Dibajak")).status_code == 403
    assert client.post(f"/meetings/{m.id}/participants/{theirs.id}/cancel").status_code == 403
    assert client.get(f"/meetings/{m.id}/participants/{theirs.id}/badge").status_code == 403
    _db.session.refresh(theirs)
    assert (theirs.name, theirs.status) == ("Milik Instansi Lain", "registered")


def test_delegate_of_an_agency_without_seats_cannot_register(client, login_as, province_meeting):
    m = province_meeting.meeting
    outsider = make_agency()
    login_as("delegate", agency=outsider)
    assert client.get(f"/meetings/{m.id}/participants/new").status_code == 403
    assert client.get(f"/meetings/{m.id}/participants").status_code == 403


def test_delegate_cannot_register_after_registration_closed(client, login_as, db):
    a = make_agency()
    m = make_meeting()  # 1 February 2024: long past
    make_quota(m, a)
    login_as("delegate", agency=a)
    html = client.post(f"/meetings/{m.id}/participants/new", data=form_data(a)).get_data(as_text=True)
    assert "Pendaftaran rapat ini sudah ditutup." in html
    assert count(m) == 0


def test_leadership_sees_the_list_read_only(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_participant(m, a, name="Terlihat")
    login_as("leadership")
    html = client.get(f"/meetings/{m.id}/participants").get_data(as_text=True)
    assert "Terlihat" in html and "/edit" not in html
    assert client.get(f"/meetings/{m.id}/participants/new").status_code == 403


def test_the_list_escapes_what_people_typed(client, login_as, province_meeting):
    """The table's rows are written in Python (participants/list_rows.py): names go into text and
    into the cancel form's confirmation attribute, escaped as the template's autoescape did."""
    m, (a1, _a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_participant(m, a1, name='Dr. "Budi" <b>O\'Neil</b> & Co')
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/participants").get_data(as_text=True)
    escaped = "Dr. &#34;Budi&#34; &lt;b&gt;O&#39;Neil&lt;/b&gt; &amp; Co"
    assert escaped in html and "<b>O" not in html
    assert f'data-confirm="Batalkan pendaftaran {escaped}?"' in html
