"""Materials: extension and content checks, size limits, safe storage and download."""
import io
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from rakor.meetings import materials
from rakor.meetings.models import Material
from tests.factories import make_agency, make_agenda_item, make_meeting, make_quota
from tests.helpers import PDF, stored_files, upload

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200


def ooxml(inner):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(inner, "<x/>")
    return buffer.getvalue()


DOCX, PPTX, XLSX = ooxml("word/document.xml"), ooxml("ppt/presentation.xml"), ooxml("xl/workbook.xml")


@pytest.mark.parametrize("content,filename,mime", [
    (PDF, "Paparan Kemiskinan 2023.pdf", "application/pdf"),
    (DOCX, "notulen.DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (PPTX, "paparan.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (XLSX, "data.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (PNG, "foto.png", "image/png"),
    (JPG, "foto.jpeg", "image/jpeg"),
])
def test_good_files_are_stored_under_a_server_name_and_downloaded_safely(app, client, db, login_as,
                                                                        content, filename, mime):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    response = upload(client, meeting, content, filename, title="Bahan paparan")
    assert response.status_code == 302, response.get_data(as_text=True)
    material = db.session.scalar(select(Material).where(Material.meeting_id == meeting.id))
    assert material.original_filename == filename and material.content_type == mime
    assert material.size == len(content) and len(material.sha256) == 64
    assert material.stored_name != filename and materials.STORED_NAME_RE.match(material.stored_name)
    path = Path(app.config["UPLOAD_DIR"]) / "materials" / material.stored_name
    assert path.read_bytes() == content
    assert "static" not in str(path.relative_to(app.config["UPLOAD_DIR"]))
    with client.get(f"/meetings/{meeting.id}/materials/{material.id}") as download:
        assert download.status_code == 200 and download.data == content
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert download.mimetype == mime
        disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == filename


def test_non_ascii_name_gets_rfc5987_filename_and_ascii_fallback(client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    upload(client, meeting, PDF, "Paparan “Kemiskinan” – Kotabaru.pdf")
    material = db.session.scalar(select(Material).where(Material.meeting_id == meeting.id))
    with client.get(f"/meetings/{meeting.id}/materials/{material.id}") as response:
        disposition = response.headers["Content-Disposition"]
    fallback = disposition.split('filename="')[1].split('"')[0]
    assert fallback.isascii() and fallback.endswith(".pdf") and '"' not in fallback
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Paparan “Kemiskinan” – Kotabaru.pdf"


@pytest.mark.parametrize("content,filename,message", [
    (EXE, "paparan.pdf", "Isi berkas bukan berkas PDF"),
    (EXE, "setup.exe", "Hanya jenis berkas berikut yang dapat diunggah"),
    (PDF, "../../etc/passwd", "Hanya jenis berkas berikut yang dapat diunggah"),
    (PDF, "paparan", "Hanya jenis berkas berikut yang dapat diunggah"),
    (ooxml("xl/workbook.xml"), "notulen.docx", "Isi berkas bukan berkas DOCX"),
    (ooxml("word/document.xml"), "paparan.pptx", "Isi berkas bukan berkas PPTX"),
    (b"PK\x03\x04 not really a zip", "data.xlsx", "Isi berkas bukan berkas XLSX"),
    (PNG, "foto.jpg", "Isi berkas bukan berkas JPG"),
    (PDF, "gambar.png", "Isi berkas bukan berkas PNG"),
    (b"", "kosong.pdf", "Berkas kosong"),
    (b"<html><script>alert(1)</script></html>", "halaman.pdf", "Isi berkas bukan berkas PDF"),
])
def test_bad_files_are_refused_with_a_message_and_nothing_is_kept(app, client, db, login_as,
                                                                  content, filename, message):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    before = stored_files(app)
    response = upload(client, meeting, content, filename, title="Judul yang diketik")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and 'value="Judul yang diketik"' in page
    assert db.session.scalar(select(Material).where(Material.meeting_id == meeting.id)) is None
    assert stored_files(app) == before  # no stray temporary file either


def test_a_path_in_the_file_name_is_dropped(app, client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    upload(client, meeting, PDF, "../../etc/passwd.pdf")
    upload(client, meeting, PDF, "..\\..\\Windows\\win.pdf")
    names = set(db.session.scalars(select(Material.original_filename).where(Material.meeting_id == meeting.id)))
    assert "passwd.pdf" in names and len(names) == 2
    assert not any("/" in n or "\\" in n or n.startswith(".") for n in names)
    assert not (Path(app.config["UPLOAD_DIR"]).parent / "etc").exists()


def test_display_filename():
    assert materials.display_filename("../../etc/passwd") == "passwd"
    assert materials.display_filename("C:\\Data\\Paparan.pdf") == "Paparan.pdf"
    assert materials.display_filename("a\x00b\r\n.pdf") == "ab.pdf"
    assert materials.display_filename("..") == ""
    long = materials.display_filename("x" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")
    assert materials.stored_path("../../etc/passwd") is None


def test_no_file_chosen(client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    response = client.post(f"/meetings/{meeting.id}/materials/new", data={"title": "x"},
                           content_type="multipart/form-data")
    assert response.status_code == 200 and "Pilih berkas" in response.get_data(as_text=True)


def test_too_large_for_the_request_limit_is_a_friendly_413(app, client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    big = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 1024)
    response = upload(client, meeting, big, "besar.pdf")
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.get_data(as_text=True)
    assert db.session.scalar(select(Material).where(Material.meeting_id == meeting.id)) is None


def test_over_max_upload_mb_but_under_the_request_limit_is_refused_by_the_service(app, client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    before = stored_files(app)
    content = b"%PDF-1.4\n" + b"0" * (app.config["MAX_UPLOAD_MB"] * 1024 * 1024)
    response = upload(client, meeting, content, "besar.pdf")
    assert response.status_code == 200
    assert f"Berkas lebih besar dari {app.config['MAX_UPLOAD_MB']} MB." in response.get_data(as_text=True)
    assert stored_files(app) == before


def test_material_for_an_agenda_item_of_another_meeting_is_refused(client, db, login_as):
    login_as("committee")
    meeting, other = make_meeting(), make_meeting()
    item, foreign = make_agenda_item(meeting), make_agenda_item(other)
    db.session.commit()
    assert upload(client, meeting, PDF, "a.pdf", agenda_item_id=foreign.id).status_code == 200
    assert upload(client, meeting, PDF, "b.pdf", agenda_item_id=item.id).status_code == 302
    material = db.session.scalar(select(Material).where(Material.meeting_id == meeting.id))
    assert material.agenda_item_id == item.id and material.original_filename == "b.pdf"
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f"/meetings/{meeting.id}/materials/{material.id}" in page


def test_download_only_for_users_who_may_see_the_meeting(client, db, login_as, app):
    agency = make_agency()
    meeting, other = make_meeting(), make_meeting()
    make_quota(meeting, agency)
    material = materials.add_material(meeting, io.BytesIO(PDF), "rahasia.pdf")
    db.session.commit()
    url = f"/meetings/{meeting.id}/materials/{material.id}"
    assert client.get(url).status_code == 302  # anonymous -> login
    login_as("delegate", agency=make_agency())
    assert client.get(url).status_code == 403
    login_as("delegate", agency=agency)
    with client.get(url) as response:
        assert response.status_code == 200
    # The same material under another meeting's URL does not exist.
    login_as("committee")
    assert client.get(f"/meetings/{other.id}/materials/{material.id}").status_code == 404


def test_committee_deletes_material_and_its_file(app, client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    upload(client, meeting, PDF, "hapus.pdf")
    material = db.session.scalar(select(Material).where(Material.meeting_id == meeting.id))
    material_id = material.id
    path = Path(app.config["UPLOAD_DIR"]) / "materials" / material.stored_name
    assert path.exists()
    url = f"/meetings/{meeting.id}/materials/{material_id}/delete"
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not path.exists()
    db.session.expire_all()
    assert db.session.get(Material, material_id) is None


def test_deleting_an_agenda_item_removes_its_materials(app, client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    item = make_agenda_item(meeting)
    db.session.commit()
    upload(client, meeting, PDF, "acara.pdf", agenda_item_id=item.id)
    material = db.session.scalar(select(Material).where(Material.meeting_id == meeting.id))
    material_id, item_id = material.id, item.id
    path = Path(app.config["UPLOAD_DIR"]) / "materials" / material.stored_name
    client.post(f"/meetings/{meeting.id}/agenda/{item_id}/delete")
    assert not path.exists()
    db.session.expire_all()
    assert db.session.get(Material, material_id) is None


def test_leadership_cannot_upload_or_delete(client, db, login_as):
    login_as("leadership")
    meeting = make_meeting()
    material = materials.add_material(meeting, io.BytesIO(PDF), "a.pdf")
    db.session.commit()
    assert upload(client, meeting, PDF, "b.pdf").status_code == 403
    assert client.post(f"/meetings/{meeting.id}/materials/{material.id}/delete").status_code == 403
    with client.get(f"/meetings/{meeting.id}/materials/{material.id}") as response:
        assert response.status_code == 200


def _bomb(inner, parts):
    """An Office zip whose `parts` of zeros deflate to almost nothing."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(inner, "<x/>")
        for n, size in enumerate(parts):
            z.writestr(f"media/zeros{n}.bin", b"\0" * size)
    return buffer.getvalue()


@pytest.mark.parametrize(("inner", "filename", "parts"), [
    ("word/document.xml", "notulen.docx", [40 * 1024 * 1024]),  # one part over the part bound
    ("xl/workbook.xml", "data.xlsx", [30 * 1024 * 1024] * 7),  # 210 MB in all
    ("ppt/presentation.xml", "paparan.pptx", [40 * 1024 * 1024]),
])
def test_office_files_that_unpack_too_far_are_refused(app, client, db, login_as, inner, filename, parts):
    """Issue 19 item 14: the import's expansion bounds apply to materials (and evidence) too."""
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    content = _bomb(inner, parts)
    assert len(content) < 1024 * 1024  # well under the upload limit
    before = stored_files(app)
    response = upload(client, meeting, content, filename, title="Bom")
    assert response.status_code == 200
    assert "terurai jauh lebih besar" in response.get_data(as_text=True)
    assert db.session.scalar(select(Material).where(Material.meeting_id == meeting.id)) is None
    assert stored_files(app) == before


def test_a_real_sized_presentation_of_pictures_is_accepted(client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("ppt/presentation.xml", "<x/>")
        z.writestr("ppt/media/image1.jpeg", bytes(range(256)) * 4096)  # 1 MB picture, stored
    assert upload(client, meeting, buffer.getvalue(), "paparan.pptx").status_code == 302
