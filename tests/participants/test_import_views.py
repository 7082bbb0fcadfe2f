"""Import pages: upload → preview → confirm; access; nothing written until every row is valid."""
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rakor.extensions import db
from rakor.participants.models import Participant
from tests.factories import make_meeting
from tests.helpers import agency_of, csv_bytes

pytestmark = pytest.mark.usefixtures("kalsel")
DATA = Path(__file__).parent / "data"


def count(meeting):
    return db.session.scalar(select(func.count(Participant.id)).where(Participant.meeting_id == meeting.id))


def upload(client, meeting, content, name="peserta.csv"):
    return client.post(f"/meetings/{meeting.id}/participants/import",
                       data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def token_of(html):
    return re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1)


def test_upload_preview_confirm_imports_every_row(client, login_as, app):
    login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}/participants/import")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "template.xlsx" in html and "Kode Wilayah".lower() in html.lower()

    response = upload(client, meeting, (DATA / "peserta-titik-koma-cp1252.csv").read_bytes())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Drs. H. Said Akhmad, MM" in html and "Bappelitbang Kota Banjarmasin" in html
    assert 'id="import-confirm-button"' in html
    assert count(meeting) == 0  # the preview writes nothing
    token = token_of(html)
    assert (Path(app.config["UPLOAD_DIR"]) / "imports" / f"{token}.bin").exists()

    # A token of this meeting does not work for another meeting.
    other = make_meeting()
    db.session.commit()
    response = client.post(f"/meetings/{other.id}/participants/import/confirm", data={"token": token})
    assert response.status_code == 302 and count(other) == 0

    response = client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token})
    assert response.status_code == 302
    assert count(meeting) == 4
    assert not (Path(app.config["UPLOAD_DIR"]) / "imports" / f"{token}.bin").exists()
    # The same confirmation again (double click, back button) imports nothing more.
    response = client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token})
    assert response.status_code == 302 and count(meeting) == 4


def test_a_file_with_errors_shows_every_bad_row_and_offers_no_import(client, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    response = upload(client, meeting, csv_bytes([
        ["Nama", "NIP", "Instansi", "Email"],
        ["Baik", "", "Bappeda Kabupaten Kotabaru", ""],
        ["Salah", "12345", "Bappeda Kabupaten Kotabaru", "salah@"],
        ["Entah", "", "Dinas Entah", ""],
    ]))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="import-confirm-button"' not in html and 'name="token"' not in html
    assert 'data-line="3" data-status="error"' in html and 'data-line="4" data-status="error"' in html
    assert "NIP" in html and "Dinas Entah" in html
    assert count(meeting) == 0


@pytest.mark.parametrize("content,name,text", [
    (b"", "kosong.csv", "kosong"),
    (b"%PDF-1.4 not a list", "peserta.csv", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "peserta.xlsx", "bukan berkas CSV atau XLSX"),
])
def test_files_that_are_not_lists_are_refused_in_indonesian(client, login_as, content, name, text):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    response = upload(client, meeting, content, name)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert text in html
    assert count(meeting) == 0


def test_no_file_chosen(client, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    response = client.post(f"/meetings/{meeting.id}/participants/import", data={},
                           content_type="multipart/form-data")
    assert response.status_code == 400


def test_confirm_with_an_unknown_token_or_a_path_is_refused(client, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    for token in ("x" * 40, "../../etc/passwd", ""):
        response = client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token})
        assert response.status_code == 302
        assert response.location.endswith(f"/meetings/{meeting.id}/participants/import")


def test_confirm_revalidates_and_imports_nothing_when_the_meeting_changed(client, login_as):
    from tests.factories import make_quota

    login_as("committee")
    meeting = make_meeting()
    make_quota(meeting, agency_of("63.02"), seats=2)
    db.session.commit()
    html = upload(client, meeting, csv_bytes([["Nama", "Kode"], ["A", "63.02"], ["B", "63.02"]])).get_data(as_text=True)
    token = token_of(html)
    from rakor.participants.services import clean_participant, register_participant

    register_participant(meeting, clean_participant({"name": "Lebih dulu"}, agency_of("63.02").id).data)
    db.session.commit()
    response = client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token})
    assert response.status_code == 409
    assert "quota" in response.get_data(as_text=True).lower() or "kuota" in response.get_data(as_text=True)
    assert count(meeting) == 1


@pytest.mark.parametrize("role", ["leadership", "delegate", "admin"])
def test_only_the_committee_imports(client, login_as, role):
    login_as(role)
    meeting = make_meeting()
    db.session.commit()
    assert client.get(f"/meetings/{meeting.id}/participants/import").status_code == 403
    assert upload(client, meeting, b"Nama,Kode\nA,63.02\n").status_code == 403
    assert count(meeting) == 0


def test_cancelled_meeting_and_unknown_meeting(client, login_as):
    login_as("committee")
    meeting = make_meeting(status="cancelled")
    db.session.commit()
    assert client.get(f"/meetings/{meeting.id}/participants/import").status_code == 403
    assert client.get("/meetings/999999/participants/import").status_code == 404


def test_templates_download_and_reimport_as_empty(client, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/meetings/{meeting.id}/participants/import/template.{fmt}")
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
        from rakor.participants import imports

        report = imports.preview(meeting, response.data, "t", 100)
        assert "tidak ada peserta" in " ".join(map(str, report.file_errors))
    assert client.get(f"/meetings/{meeting.id}/participants/import/template.pdf").status_code == 404


def _duplicate_file():
    row = ["Noor Hidayati", "Bappeda Kab. Tanah Laut"]
    return csv_bytes([["Nama", "Instansi"], row, ["Ahmad Fauzan", "Bappeda Kab. Tanah Laut"], row])


def test_a_probable_duplicate_is_offered_unticked_and_left_out(client, login_as):
    login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    html = upload(client, meeting, _duplicate_file()).get_data(as_text=True)
    assert 'data-line="4" data-status="warning" data-duplicate="left-out"' in html
    box = re.search(r'<input[^>]*name="keep"[^>]*>', html).group(0)
    assert 'value="4"' in box and 'form="import-confirm-form"' in box and "checked" not in box
    assert "Tetap impor" in html and "Kemungkinan orang yang sama dengan baris 2" in html
    response = client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token_of(html)})
    assert response.status_code == 302 and count(meeting) == 2


def test_a_ticked_probable_duplicate_is_imported_with_the_rest(client, login_as):
    login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    html = upload(client, meeting, _duplicate_file()).get_data(as_text=True)
    response = client.post(f"/meetings/{meeting.id}/participants/import/confirm",
                           data={"token": token_of(html), "keep": ["4", "x", "99"]})
    assert response.status_code == 302 and count(meeting) == 3


def test_the_cli_leaves_out_probable_duplicates_unless_their_line_is_kept(app, tmp_path):
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    path = tmp_path / "peserta.csv"
    path.write_bytes(_duplicate_file())
    result = app.test_cli_runner().invoke(args=["participants", "import", str(meeting.id), str(path), "--dry-run"])
    assert result.exit_code == 0 and "left out: line 4" in result.output
    result = app.test_cli_runner().invoke(args=["participants", "import", str(meeting.id), str(path),
                                                "--keep-line", "4"])
    assert result.exit_code == 0, result.output
    assert count(meeting) == 3


def test_a_long_files_preview_shows_the_first_rows_and_every_row_to_decide_on(client, login_as, monkeypatch):
    from rakor.core.tabular import report as report_module

    monkeypatch.setattr(report_module, "PREVIEW_ROWS", 2)
    login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    rows = [["Nama", "Instansi"]] + [[f"Peserta Ke{chr(65 + i)}", "Bappeda Kab. Tanah Laut"] for i in range(4)]
    rows.append(rows[1])  # line 6 repeats line 2: a probable duplicate, to tick or not
    html = upload(client, meeting, csv_bytes(rows)).get_data(as_text=True)
    shown = re.findall(r'<tr class="[^"]*" data-line="(\d+)"', html)
    assert shown == ["2", "6"]  # the first row, then the duplicate: its box must be on the page
    assert 'name="keep" value="6"' in html
    assert "3 baris lain siap diimpor dan tidak ditampilkan di sini." in html
    # Their warnings are counted, not lost: no seat quota for the agency, on each of the 3.
    assert "Peringatan pada baris-baris itu:" in html and "(3 baris)" in html
    response = client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token_of(html)})
    assert response.status_code == 302 and count(meeting) == 4  # every row but the duplicate left out


def test_the_confirmation_takes_the_cleaned_cells_from_the_preview_and_checks_the_meeting_again(
        client, login_as, app, monkeypatch):
    import sys

    from rakor.participants.services import clean_participant

    validate = sys.modules["rakor.participants.imports.validate"]  # the package re-exports its function

    login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    rows = [["Nama", "NIP", "No HP", "Email", "Instansi"],
            ["Noor Hidayati", "198001012005012001", "0812-3456-7890", "Noor@Example.go.id", "Bappeda Kab. Tanah Laut"],
            ["Ahmad Fauzan", "198002022005011002", "", "", "Bappeda Kab. Tanah Laut"]]
    html = upload(client, meeting, csv_bytes(rows)).get_data(as_text=True)
    token = token_of(html)
    assert (Path(app.config["UPLOAD_DIR"]) / "imports" / f"{token}.checked.json").exists()
    cleaned = []
    monkeypatch.setattr(validate, "clean_participant", lambda *a: cleaned.append(a) or clean_participant(*a))
    response = client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token})
    assert response.status_code == 302 and cleaned == []  # every row's cells were cleaned at the preview
    stored = db.session.execute(select(Participant.name, Participant.nip, Participant.phone, Participant.email)
                                .where(Participant.meeting_id == meeting.id).order_by(Participant.name)).all()
    assert stored == [("Ahmad Fauzan", "198002022005011002", None, None),
                      ("Noor Hidayati", "198001012005012001", "+6281234567890", "noor@example.go.id")]
    assert not (Path(app.config["UPLOAD_DIR"]) / "imports" / f"{token}.checked.json").exists()

    # What the meeting holds is checked again: the same NIP registered since the preview refuses it.
    other = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    token = token_of(upload(client, other, csv_bytes(rows)).get_data(as_text=True))
    from rakor.participants.services import register_participant

    register_participant(other, clean_participant({"name": "Orang Lain", "nip": "198001012005012001"},
                                                  agency_of("63.01").id).data)
    db.session.commit()
    response = client.post(f"/meetings/{other.id}/participants/import/confirm", data={"token": token})
    assert response.status_code == 409 and count(other) == 1
