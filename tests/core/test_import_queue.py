"""Big imports on the worker's queue (rakor/core/tabular/queued.py), through the participant
import's pages: the threshold, the progress page and its JSON, all or nothing on the worker, and
the request path without Redis. The queue tests need Redis (REDIS_TEST_URL) and are skipped with
a notice when it does not answer; the worker is rq's SimpleWorker in this process, in burst mode.
A threshold of 3 rows stands in for the production 1,000."""
import io
import re
import signal

import pytest
from sqlalchemy import func, select

from rakor.core import queueing
from rakor.core.errors import DomainError
from rakor.documents import jobs
from rakor.extensions import db
from rakor.participants.models import Participant
from rakor.participants.services import clean_participant, register_participant
from tests.factories import make_meeting
from tests.helpers import agency_of, csv_bytes

pytestmark = pytest.mark.usefixtures("kalsel")

ROWS = [["Nama", "NIP", "Kode"]] + [[f"Peserta {i}", f"19800101200501100{i}", "63.02"] for i in range(5)]


@pytest.fixture
def import_queue(app, redis_queue, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_QUEUE_THRESHOLD", 3)
    queueing.forget_connection(app)
    yield redis_queue
    queueing.forget_connection(app)


def count(meeting):
    return db.session.scalar(select(func.count(Participant.id)).where(Participant.meeting_id == meeting.id))


def upload_and_confirm(client, meeting, rows=ROWS):
    response = client.post(f"/meetings/{meeting.id}/participants/import",
                           data={"file": (io.BytesIO(csv_bytes(rows)), "peserta.csv")},
                           content_type="multipart/form-data")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    return client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token})


def run_worker(app):
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        jobs.make_worker(app, simple=True).work(burst=True, logging_level="WARNING")
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def committee_meeting(login_as):
    user = login_as("committee")
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()
    return user, meeting


def test_above_the_threshold_the_worker_imports_and_the_page_follows_it(app, client, login_as, import_queue):
    _user, meeting = committee_meeting(login_as)
    response = upload_and_confirm(client, meeting)
    assert response.status_code == 302 and "/participants/import/progress/rakor-import-" in response.location
    assert count(meeting) == 0  # the request only queued it
    progress = response.location
    page = client.get(progress)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="import-job-bar"' in html and "imports/progress.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    status = client.get(progress + ".json").get_json()
    assert status["state"] == "queued" and status["total"] == 5 and not status["finished"]

    run_worker(app)

    assert count(meeting) == 5
    status = client.get(progress + ".json").get_json()
    assert status["state"] == "done" and status["finished"]
    done = client.get(progress)
    assert done.status_code == 302 and done.location.endswith(f"/meetings/{meeting.id}/participants")
    assert "5" in client.get(done.location).get_data(as_text=True)  # the flashed "5 participants were imported"


def test_all_or_nothing_holds_on_the_worker(app, client, login_as, import_queue):
    _user, meeting = committee_meeting(login_as)
    response = upload_and_confirm(client, meeting)
    # Someone registers the NIP of line 4 while the job waits in the queue.
    register_participant(meeting, clean_participant({"name": "Cepat", "nip": "198001012005011002"},
                                                    agency_of("63.02").id).data)
    db.session.commit()
    run_worker(app)
    assert count(meeting) == 1  # only the concurrent registration
    page = client.get(response.location)
    html = page.get_data(as_text=True)
    assert page.status_code == 409 and 'id="import-job-error"' in html
    assert "4" in html and "NIP" in html  # the preview's check again: line 4, NIP taken
    assert client.get(response.location + ".json").get_json()["state"] == "refused"


def test_a_row_refused_at_write_time_on_the_worker_rolls_everything_back(app, client, login_as, import_queue,
                                                                          monkeypatch):
    from rakor.participants import imports

    _user, meeting = committee_meeting(login_as)
    response = upload_and_confirm(client, meeting)
    real = imports.register_participants

    def write_then_refuse(*args, **kwargs):
        real(*args, **kwargs)  # every row written ...
        raise imports.RowRefusedError(2, DomainError("taken", field="nip"))  # ... then line 4 refused

    monkeypatch.setattr(imports, "register_participants", write_then_refuse)
    run_worker(app)
    assert count(meeting) == 0
    page = client.get(response.location)
    assert page.status_code == 409 and "taken" in page.get_data(as_text=True)
    assert client.get(response.location + ".json").get_json()["state"] == "failed"


def test_below_the_threshold_the_import_runs_in_the_request(client, login_as, import_queue):
    _user, meeting = committee_meeting(login_as)
    response = upload_and_confirm(client, meeting, ROWS[:3])
    assert response.status_code == 302 and response.location.endswith(f"/meetings/{meeting.id}/participants")
    assert count(meeting) == 2


def test_without_redis_a_big_import_runs_in_the_request(app, client, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "IMPORT_QUEUE_THRESHOLD", 1)
    _user, meeting = committee_meeting(login_as)
    response = upload_and_confirm(client, meeting)
    assert response.status_code == 302 and response.location.endswith(f"/meetings/{meeting.id}/participants")
    assert count(meeting) == 5


def test_a_redis_that_does_not_answer_imports_in_the_request(app, client, login_as, monkeypatch):
    from tests.helpers import UNREACHABLE

    monkeypatch.setitem(app.config, "REDIS_URL", UNREACHABLE)
    monkeypatch.setitem(app.config, "IMPORT_QUEUE_THRESHOLD", 1)
    queueing.forget_connection(app)
    _user, meeting = committee_meeting(login_as)
    response = upload_and_confirm(client, meeting)
    queueing.forget_connection(app)
    assert response.status_code == 302 and count(meeting) == 5


def test_only_the_user_who_started_it_sees_the_job(app, client, login_as, import_queue):
    _user, meeting = committee_meeting(login_as)
    progress = upload_and_confirm(client, meeting).location
    other_meeting = make_meeting()
    db.session.commit()
    assert client.get(progress.replace(f"/meetings/{meeting.id}/", f"/meetings/{other_meeting.id}/")).status_code == 404
    assert client.get(progress.replace("rakor-import-", "rakor-import-x")).status_code == 404
    login_as("committee")  # another committee member
    assert client.get(progress).status_code == 404
    assert client.get(progress + ".json").status_code == 404


def test_the_job_reads_and_writes_as_the_user_who_confirmed(app, client, login_as, import_queue, monkeypatch):
    from flask_login import current_user

    from rakor.participants import imports

    user, meeting = committee_meeting(login_as)
    response = upload_and_confirm(client, meeting)
    seen = []
    real = imports.preview

    def preview(*args, **kwargs):
        seen.append(current_user.id if current_user.is_authenticated else None)
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "preview", preview)
    run_worker(app)
    assert seen == [user.id]  # the progress import's read scopes by current_user
    assert count(meeting) == 5 and client.get(response.location).status_code == 302


def test_the_worker_leaves_out_the_probable_duplicates_not_ticked_and_imports_the_ticked(
        app, client, login_as, import_queue):
    """The preview's "Tetap impor" ticks travel to the worker with the confirmation (they were a
    frozenset, which the queue's JSON refused: found when the two branches met)."""
    _user, meeting = committee_meeting(login_as)
    rows = ROWS + [["Peserta 1", "", "63.02"], ["Peserta 2", "", "63.02"]]  # lines 7 and 8: namesakes
    response = client.post(f"/meetings/{meeting.id}/participants/import",
                           data={"file": (io.BytesIO(csv_bytes(rows)), "peserta.csv")},
                           content_type="multipart/form-data")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    confirmed = client.post(f"/meetings/{meeting.id}/participants/import/confirm", data={"token": token, "keep": "8"})
    assert confirmed.status_code == 302 and "/participants/import/progress/" in confirmed.location
    run_worker(app)
    names = db.session.scalars(select(Participant.name).where(Participant.meeting_id == meeting.id)).all()
    assert len(names) == 6 and names.count("Peserta 2") == 2 and names.count("Peserta 1") == 1
