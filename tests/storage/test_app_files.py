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
