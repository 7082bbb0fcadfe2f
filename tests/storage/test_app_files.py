"""The app's files through each backend: a material uploaded and downloaded over HTTP, and a big
document rendered by a worker PROCESS (another "host": its own app, sharing only Redis and the
storage) and downloaded through the web app."""
import hashlib

from sqlalchemy import select

from rakor.documents import jobs
from rakor.meetings.models import Material
from tests.documents.test_jobs import sheet, url
from tests.factories import make_meeting
from tests.helpers import PDF, pdf_text, run_worker_process, upload


def test_a_material_is_uploaded_into_the_storage_and_streamed_back(app, app_storage, client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    content = PDF + b"x" * 100_000
    assert upload(client, meeting, content, "Paparan.pdf").status_code == 302
    material = db.session.scalar(select(Material).where(Material.meeting_id == meeting.id))
    assert app_storage.read(f"materials/{material.stored_name}") == content
    with client.get(f"/meetings/{meeting.id}/materials/{material.id}") as download:
        assert download.status_code == 200 and download.data == content
        assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert download.headers["Content-Length"] == str(len(content))
    assert material.sha256 == hashlib.sha256(content).hexdigest()
    again = client.get(f"/meetings/{meeting.id}/materials/{material.id}",
                       headers={"If-None-Match": f'"{material.sha256}"'})
    assert again.status_code == 304
    app_storage.delete(f"materials/{material.stored_name}")
    assert client.get(f"/meetings/{meeting.id}/materials/{material.id}").status_code == 404


def test_a_document_the_worker_process_rendered_is_served_from_the_storage(
        app, app_storage, client, login_as, redis_queue, kalsel):
    connection, queue_name = redis_queue
    meeting = sheet()
    login_as("committee")
    assert client.get(url(meeting)).mimetype == "text/html"  # queued
    log = run_worker_process(queue_name, app)  # its own process and app, the same storage settings
    assert log.count("Job OK") == 1, log[-2000:]
    results = [i.key for i in app_storage.list("documents/")]
    assert len(results) == 1 and results[0].endswith(".pdf")
    assert not list(connection.scan_iter(f"{queue_name}:pdf:*"))  # no PDF in Redis any more
    ready = client.get(url(meeting))
    assert ready.mimetype == "application/pdf" and "DAFTAR HADIR" in pdf_text(ready.data)
    assert ready.data == app_storage.read(results[0])
    assert jobs.document_queue(connection).count == 0


def test_an_import_preview_waits_in_the_storage_and_the_sweep_keeps_it_a_day(app, app_storage, client, db, login_as,
                                                                             kalsel):
    """The preview of an import may be confirmed on another host (or by the worker): the staged
    file lives in the app's storage, not on the host's disk; the sweep takes it for a cache."""
    import io
    import re
    from datetime import timedelta

    from rakor.core.types import utcnow
    from rakor.participants.models import Participant
    from rakor.storage import maintenance
    from tests.helpers import agency_of, csv_bytes

    login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    rows = [["Nama", "Kode"], ["Siti Aminah", "63.02"], ["Ahmad Fauzan", "63.02"]]
    preview = client.post(f"/meetings/{meeting.id}/participants/import",
                          data={"file": (io.BytesIO(csv_bytes(rows)), "peserta.csv")}, content_type="multipart/form-data")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    assert app_storage.read(f"imports/{token}.bin") == csv_bytes(rows)
    assert maintenance.sweep(grace_seconds=0).deleted == []  # a preview is no orphan
    assert maintenance.sweep(grace_seconds=0, now=utcnow() + timedelta(days=2), dry_run=True).deleted != []
    assert client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token}).status_code == 302
    assert len(db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)).all()) == 2
    assert not app_storage.exists(f"imports/{token}.bin")  # confirmed: discarded


def test_an_agency_logo_lives_in_the_storage_and_the_sweep_knows_it(app, app_storage, db):
    """Logos were the last files on a host's own disk (UPLOAD_DIR/logos): with several hosts a
    logo saved on one was missing from the others' letterheads."""
    import io

    from PIL import Image

    from rakor.regions import logos
    from rakor.storage import maintenance
    from tests.factories import make_agency

    buf = io.BytesIO()
    Image.new("RGB", (40, 40), "navy").save(buf, "PNG")
    agency = make_agency()
    agency.logo_stored_name = logos.store_logo(buf.getvalue())
    db.session.flush()
    assert app_storage.read(f"logos/{agency.logo_stored_name}") == buf.getvalue()
    assert logos.logo_data_url(agency.logo_stored_name).startswith("data:image/png;base64,")
    stray = logos.store_logo(buf.getvalue())  # no row names it
    deleted = maintenance.sweep(grace_seconds=0).deleted
    assert f"logos/{stray}" in deleted and f"logos/{agency.logo_stored_name}" not in deleted
