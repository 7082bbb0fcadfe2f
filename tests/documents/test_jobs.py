"""Big documents through the rq queue (rakor.documents.jobs), and inline without one.

The queue tests need Redis (REDIS_TEST_URL, default redis://127.0.0.1:6379/14) and are skipped
with a notice when it does not answer. Each uses a queue name of its own and deletes every key
carrying it afterwards, so parallel runs on one Redis do not meet. A threshold of 3 rows stands
in for the production 200, so nothing big is really rendered."""
import signal

import pytest

from rakor.documents import jobs, registry
from rakor.documents.pdf import render_html
from rakor.extensions import db
from rakor.participants.documents import ATTENDANCE
from tests.factories import make_meeting, make_participant, make_quota
from tests.helpers import UNREACHABLE, agency_of, pdf_text, run_worker_process, sign_in

pytestmark = pytest.mark.usefixtures("kalsel")


def sheet(rows_per_agency=2):
    """A meeting of Kotabaru (invited: a quota) and Tanah Laut with NIPs on every line."""
    meeting = make_meeting(organizer=agency_of("63"), title="Rakor Besar")
    kotabaru, tanah_laut = agency_of("63.02"), agency_of("63.01")
    make_quota(meeting, kotabaru)
    for agency, code in ((kotabaru, "02"), (tanah_laut, "01")):
        for i in range(rows_per_agency):
            make_participant(meeting, agency, name=f"Peserta {code}-{i}", nip=f"1980010120050110{code[1]}{i}",
                             position=f"Jabatan {code}-{i}")
    db.session.commit()
    return meeting


def url(meeting):
    return f"/meetings/{meeting.id}/documents/attendance.pdf"


def run_worker_here(app):
    """SimpleWorker in this process (so a test can break the render); rq's signal handlers are
    put back afterwards."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        jobs.make_worker(app, simple=True).work(burst=True, logging_level="WARNING")
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


# --- without a queue (development) ------------------------------------------------------------

def test_without_redis_a_big_sheet_renders_in_the_request_as_before(app, client, login_as, queue_config):
    queue_config(None, threshold=1)
    meeting = sheet()
    user = login_as("committee")
    response = client.get(url(meeting))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == registry.render_pdf(ATTENDANCE, meeting, user)  # byte for byte


def test_with_a_queue_a_small_sheet_still_renders_in_the_request_without_touching_redis(
        client, login_as, queue_config):
    queue_config(UNREACHABLE, threshold=5)
    meeting = sheet()  # 4 rows
    user = login_as("committee")
    response = client.get(url(meeting))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == registry.render_pdf(ATTENDANCE, meeting, user)


def test_when_redis_does_not_answer_a_big_sheet_renders_in_the_request(client, login_as, queue_config, caplog):
    queue_config(UNREACHABLE)
    meeting = sheet()
    login_as("committee")
    response = client.get(url(meeting))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Peserta 01-0" in pdf_text(response.data)
    assert "Redis does not answer" in caplog.text


def test_the_key_follows_the_content_and_the_readers_view(app, login_as):
    meeting = sheet()
    committee, delegate = login_as("committee"), login_as("delegate", agency=agency_of("63.02"))

    def key(user):
        return jobs.document_key("attendance", render_html(ATTENDANCE.template, **ATTENDANCE.context(meeting, user)))

    first = key(committee)
    assert key(login_as("leadership")) == first  # the same full sheet: one render for both
    assert key(delegate) != first  # other agencies' NIPs withheld: another document
    make_participant(meeting, agency_of("63.02"), name="Peserta Baru")
    db.session.commit()
    assert key(committee) != first


# --- with a queue and a real worker process -----------------------------------------------------

def test_a_big_sheet_is_prepared_by_the_worker_then_served(client, login_as, redis_queue):
    connection, queue_name = redis_queue
    meeting = sheet()  # 4 rows, threshold 3
    outsider = login_as("delegate", agency=agency_of("63.03"))  # its agency is not invited
    delegate = login_as("delegate", agency=agency_of("63.02"))
    committee = login_as("committee")
    waiting = client.get(url(meeting))
    assert waiting.status_code == 200 and waiting.mimetype == "text/html"
    assert waiting.headers["Refresh"] == f"3; url={url(meeting)}"
    assert waiting.headers["Cache-Control"] == "no-store"
    page = waiting.get_data(as_text=True)
    assert "Dokumen sedang disiapkan" in page and 'data-state="preparing"' in page
    assert "Daftar Hadir berisi 4 baris" in page
    assert 'id="document-no-worker"' in page  # nobody listens yet, and the page says so
    assert client.get(url(meeting)).status_code == 200  # polling enqueues nothing more
    assert jobs.document_queue(connection).count == 1
    sign_in(client, delegate)  # its copy withholds other agencies' NIPs: a job of its own
    assert client.get(url(meeting)).mimetype == "text/html"
    assert jobs.document_queue(connection).count == 2

    log = run_worker_process(queue_name)
    assert log.count("Job OK") == 2, log[-2000:]

    sign_in(client, committee)
    ready = client.get(url(meeting))
    assert ready.status_code == 200 and ready.mimetype == "application/pdf"
    assert ready.headers["Content-Disposition"].startswith('inline; filename="daftar-hadir-2024-02-01-rakor-besar.pdf"')
    text = pdf_text(ready.data)
    assert "DAFTAR HADIR" in text and "Peserta 01-1" in text and "Jabatan 01-1" in text
    assert "4 orang dari 2 instansi" in text
    assert ready.data == client.get(url(meeting)).data  # the stored file, again
    assert jobs.document_queue(connection).count == 0

    # Each reader gets the file made from its own view, after the kind's permission check.
    sign_in(client, delegate)
    copy = pdf_text(client.get(url(meeting)).data)
    assert "Jabatan 02-1" in copy and "Peserta 01-1" in copy and "Jabatan 01-1" not in copy
    assert "NIP dan jabatan serta nomor HP peserta dari instansi lain tidak dicantumkan" in copy
    sign_in(client, outsider)
    assert client.get(url(meeting)).status_code == 403


def test_a_failed_render_says_so_and_offers_to_try_again(app, client, login_as, redis_queue, monkeypatch):
    connection, _name = redis_queue
    meeting = sheet()
    login_as("committee")
    assert client.get(url(meeting)).status_code == 200

    def broken(html):
        raise RuntimeError("WeasyPrint ran out of memory")

    with monkeypatch.context() as patch:
        patch.setattr(jobs, "html_to_pdf", broken)
        run_worker_here(app)

    failed = client.get(url(meeting))
    assert failed.status_code == 500 and "Refresh" not in failed.headers
    page = failed.get_data(as_text=True)
    assert "Dokumen tidak dapat disiapkan" in page and "WeasyPrint" not in page
    assert f'href="{url(meeting)}?retry=1"' in page
    assert client.get(url(meeting)).status_code == 500  # a reload does not start it again
    assert jobs.document_queue(connection).count == 0

    again = client.get(url(meeting) + "?retry=1")
    assert again.status_code == 200 and again.headers["Refresh"] == f"3; url={url(meeting)}"
    assert jobs.document_queue(connection).count == 1
    run_worker_here(app)
    ready = client.get(url(meeting))
    assert ready.status_code == 200 and "Peserta 02-0" in pdf_text(ready.data)
