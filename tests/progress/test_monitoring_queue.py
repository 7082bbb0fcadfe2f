"""A big monitoring report goes to the document worker like the other big documents (issue 11,
item 9): from DOCUMENT_QUEUE_THRESHOLD printed rows with a queue; in the request without one."""
import pytest

from rakor.documents import jobs, registry
from rakor.progress import workdays
from rakor.progress.documents import MONITORING, monitoring_context, monitoring_size
from tests.helpers import pdf_text, run_worker_process
from tests.progress.conftest import TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def url(pg):
    return f"/meetings/{pg.meeting.id}/documents/monitoring.pdf"


def test_the_report_counts_the_rows_it_prints(pg):
    context = monitoring_context(pg.meeting, pg.committee)
    assert monitoring_size(context) == 4 + len(context["overdue"]) + len(context["matrix_regions"])
    assert MONITORING.size is monitoring_size


def test_without_a_queue_a_big_report_renders_in_the_request(client, pg, login_as, queue_config):
    queue_config(None, threshold=1)
    user = login_as("committee")
    response = client.get(url(pg))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == registry.render_pdf(MONITORING, pg.meeting, user)


def test_a_big_report_is_prepared_by_the_worker_then_served(client, pg, login_as, redis_queue):
    connection, queue_name = redis_queue  # threshold 3 rows; the report prints 4 commitments
    login_as("committee")
    waiting = client.get(url(pg))
    assert waiting.status_code == 200 and waiting.mimetype == "text/html"
    assert "Dokumen sedang disiapkan" in waiting.get_data(as_text=True)
    assert jobs.document_queue(connection).count == 1
    log = run_worker_process(queue_name)
    assert log.count("Job OK") == 1, log[-2000:]
    ready = client.get(url(pg))
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    assert "LAPORAN MONITORING" in pdf_text(ready.data).upper()
