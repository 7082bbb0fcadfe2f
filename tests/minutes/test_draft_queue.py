"""A draft of a big meeting's minutes goes to the document worker (rakor.documents.jobs), a small
one, or any without a queue, renders in the request. The threshold is lowered to 3 rows (the mm
meeting prints 3 participants, 1 commitment and its agencies) so that nothing big is rendered."""
from rakor.documents import jobs
from rakor.extensions import db
from rakor.minutes import documents, services
from tests.documents.test_jobs import UNREACHABLE, pdf_text, run_worker_process, sign_in
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
    assert "DRAFT" in pdf_text(response.data)


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
    assert "NOTULEN RAPAT" in text and "DRAFT" in text and "oleh Sekda" in text
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
