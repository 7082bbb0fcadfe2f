"""A big meeting's minutes go to the document worker (rakor.documents.jobs): a draft on each
download, a final version once (then stored and served as stored). A small one, or any without a
queue, renders in the request. The threshold is lowered to 3 rows (the mm
meeting prints 3 participants, 1 commitment and its agencies) so that nothing big is rendered."""
import hashlib

from rakor.documents import jobs
from rakor.extensions import db
from rakor.minutes import documents, queries, services
from tests.helpers import UNREACHABLE, pdf_text, run_worker_process, sign_in
from tests.minutes.conftest import body


def _draft(mm, opening="Rapat dibuka pukul 08.30 WITA oleh Sekda."):
    draft = services.save(mm.meeting, body(opening=opening), mm.committee, None)
    db.session.commit()
    return draft


def url(mm):
    return f"/meetings/{mm.meeting.id}/minutes/draft.pdf"


def test_the_draft_counts_its_rows(mm):
    context = documents.minutes_context(mm.meeting, _draft(mm))
    rows = documents.minutes_size(context)
    assert rows == 3 + 1 + len(context["agency_rows"]) and rows >= 3


def test_without_a_queue_a_big_draft_renders_in_the_request_as_before(client, mm, login_as, queue_config):
    queue_config(None, threshold=1)
    draft = _draft(mm)
    login_as("committee")
    response = client.get(url(mm))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == documents.render_minutes_pdf(mm.meeting, draft)  # byte for byte
    assert "DRAF, bukan dokumen resmi" in pdf_text(response.data)


def test_with_a_queue_a_small_draft_renders_in_the_request_without_touching_redis(
        client, mm, login_as, queue_config):
    queue_config(UNREACHABLE, threshold=1000)
    draft = _draft(mm)
    login_as("committee")
    response = client.get(url(mm))
    assert response.status_code == 200 and response.data == documents.render_minutes_pdf(mm.meeting, draft)


def test_a_big_draft_is_prepared_by_the_worker_then_served(client, mm, login_as, redis_queue):
    connection, queue_name = redis_queue
    draft = _draft(mm)
    login_as("committee")
    waiting = client.get(url(mm))
    assert waiting.status_code == 200 and waiting.mimetype == "text/html"
    assert waiting.headers["Refresh"] == f"3; url={url(mm)}"
    page = waiting.get_data(as_text=True)
    assert "Dokumen sedang disiapkan" in page and 'data-state="preparing"' in page
    assert "Notulen Rapat versi 1 (draft) berisi" in page
    assert client.get(url(mm)).mimetype == "text/html"  # polling enqueues nothing more
    assert jobs.document_queue(connection).count == 1

    log = run_worker_process(queue_name)
    assert log.count("Job OK") == 1, log[-2000:]

    ready = client.get(url(mm))
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    assert 'filename="notulen-v1-draft-2024-02-01-rakor-notulen-uji.pdf"' in ready.headers["Content-Disposition"]
    text = pdf_text(ready.data)
    assert "NOTULEN RAPAT" in text and "DRAF, bukan dokumen resmi" in text and "oleh Sekda" in text
    assert "Ir. H. Hadir Satu, M.T." in text

    # A new draft is other HTML: another job, not the old file.
    services.save(mm.meeting, body(opening="Rapat dibuka kembali."), mm.committee, draft.id)
    db.session.commit()
    assert client.get(url(mm)).mimetype == "text/html"
    assert jobs.document_queue(connection).count == 1


def test_a_delegate_gets_no_draft_even_with_a_queue(client, mm, login_as, queue_config):
    queue_config(UNREACHABLE, threshold=1)
    _draft(mm)
    sign_in(client, mm.delegate)
    assert client.get(url(mm)).status_code == 403


def _finalise(client, mm, draft):
    return client.post(f"/meetings/{mm.meeting.id}/minutes/finalise", data={"expected_revision_id": draft.id},
                       follow_redirects=True).get_data(as_text=True)


def test_a_big_final_version_is_rendered_by_the_worker_then_stored_and_served_as_stored(
        client, mm, login_as, redis_queue):
    connection, queue_name = redis_queue
    draft = _draft(mm)
    login_as("committee")
    page = _finalise(client, mm, draft)
    assert "Notulen versi 1 sudah final. PDF-nya sedang disiapkan" in page
    assert queries.stored_hash(draft.id) is None
    download = f"/meetings/{mm.meeting.id}/minutes.pdf"
    waiting = client.get(download)
    assert waiting.status_code == 200 and waiting.mimetype == "text/html"
    assert "Notulen Rapat versi 1 berisi" in waiting.get_data(as_text=True)
    assert waiting.headers["Refresh"] == f"3; url={download}"

    log = run_worker_process(queue_name)
    assert log.count("Job OK") == 1, log[-2000:]

    ready = client.get(download)
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    etag = ready.headers["ETag"].strip('"')
    assert etag == hashlib.sha256(ready.data).hexdigest() == queries.stored_hash(draft.id)
    text = pdf_text(ready.data)
    db.session.expire_all()
    code = queries.latest_final(mm.meeting.id).verification_code
    assert "NOTULEN RAPAT" in text and "(final)" in text and "DRAF, bukan dokumen resmi" not in text
    assert f"/v/{code}" in text
    # Stored: served from the database, byte for byte, when Redis has long forgotten the file.
    for key in connection.scan_iter(f"*{queue_name}*"):
        connection.delete(key)
    assert client.get(download).data == ready.data
    assert client.get(download, headers={"If-None-Match": f'"{etag}"'}).status_code == 304


def test_when_redis_does_not_answer_a_big_final_version_is_rendered_in_the_request(
        client, mm, login_as, queue_config):
    queue_config(UNREACHABLE, threshold=1)
    draft = _draft(mm)
    login_as("committee")
    assert "PDF-nya siap diunduh" in _finalise(client, mm, draft)
    assert queries.stored_hash(draft.id) is not None
