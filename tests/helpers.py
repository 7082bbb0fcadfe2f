"""What test modules share besides fixtures (those live in conftest.py) and factories: sample
file contents, file makers, lookups. Tests import from here, never from another test module."""
import csv
import io
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from openpyxl import Workbook
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import delete, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from rakor.extensions import db
from rakor.regions.models import Agency, Region

# The smallest file that passes the upload checks as a PDF.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def all_rules(app):
    """Every URL rule of the app except static files."""
    return [r for r in app.url_map.iter_rules() if r.endpoint not in ("static", "bootstrap.static")]


def agency_of(code):
    """The planning agency of the region with this Kemendagri code (after the `kalsel` fixture)."""
    return db.session.scalar(select(Agency).join(Agency.region).where(
        Region.kemendagri_code == code, Agency.is_planning_agency.is_(True)))


def delete_regions(ids):
    """Deletes the regions a committing test made (`ids`), then each of their parents left without
    children: the factories put every regency in the shared test province "99" (make_province),
    which a committing test that made it must not leave behind for the tests after it."""
    ids = [i for i in ids if i is not None]
    parents = set(db.session.scalars(select(Region.parent_id).where(
        Region.id.in_(ids), Region.parent_id.is_not(None)))) - set(ids)
    db.session.execute(delete(Region).where(Region.id.in_(ids)).execution_options(synchronize_session=False))
    for parent in parents:
        if db.session.scalar(select(Region.id).where(Region.parent_id == parent).limit(1)) is None:
            db.session.execute(delete(Region).where(Region.id == parent).execution_options(synchronize_session=False))


def csv_bytes(rows, delimiter=",", encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def race(app, threads, attempt, refused, *, timeout=90):
    """Run `attempt(i, at_once)` in `threads` threads, each in its own app context and session;
    `at_once()` is the barrier all of them pass together (call it right before the contested
    step). A thread that commits counts "ok"; one whose attempt raises an exception of the
    `refused` {exception class: label} mapping rolls back and counts that label. Returns the
    sorted outcomes (the PostgreSQL concurrency tests of quotas, claims and finalisation)."""
    import threading

    barrier = threading.Barrier(threads, timeout=timeout)
    outcomes, lock = [], threading.Lock()

    def run(i):
        with app.app_context():
            try:
                attempt(i, barrier.wait)
                db.session.commit()
                result = "ok"
            except tuple(refused) as e:
                db.session.rollback()
                result = next(label for kind, label in refused.items() if isinstance(e, kind))
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=timeout)
    return sorted(outcomes)


def upload(client, meeting, content, filename, **fields):
    # The body is encoded here (in memory) rather than by the test client, whose spooled
    # temporary file for large bodies is never closed (a ResourceWarning, an error here).
    values = {"title": "", "agenda_item_id": "", **fields,
              "file": FileStorage(io.BytesIO(content), filename=filename, content_type="application/octet-stream")}
    boundary, body = encode_multipart({k: str(v) if not isinstance(v, FileStorage) else v
                                       for k, v in values.items()})
    return client.post(f"/meetings/{meeting.id}/materials/new", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def stored_files(app):
    folder = Path(app.config["UPLOAD_DIR"]) / "materials"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


# --- the document queue (rakor.documents.jobs); fixtures `queue_config`, `redis_queue` in conftest.py

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("REDIS_TEST_URL") or "redis://127.0.0.1:6379/14"
UNREACHABLE = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


def pdf_text(content):
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True,
                                   check=True).stdout.decode().split())


def sign_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def client_of(app, user):
    """A test client of its own (its own cookies), signed in as `user`."""
    client = app.test_client()
    sign_in(client, user)
    return client


def redis_or_skip(what, meanwhile):
    """A connection to the test Redis (REDIS_TEST_URL, else db 14), or the test is skipped with a
    notice: `what` is skipped, `meanwhile` says what is tested anyway."""
    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        connection.ping()
    except RedisError as error:
        pytest.skip(f"{what} SKIPPED: Redis does not answer at {REDIS_URL} ({error}); "
                    f"set REDIS_TEST_URL or start Redis to run them ({meanwhile})")
    return connection


def store_on_test_redis(app, monkeypatch, extension, store_class, what, meanwhile):
    """Yield a `store_class` (rakor/core/detached_rows.py GenerationStore) on the test Redis, in a
    namespace of its own, as `app.extensions[extension]`; its keys deleted afterwards. Skipped
    with a notice when Redis does not answer (`redis_or_skip`)."""
    connection = redis_or_skip(what, meanwhile)
    store = store_class(REDIS_URL, f"test-{uuid.uuid4().hex}", 60)
    monkeypatch.setitem(app.extensions, extension, store)
    yield store
    keys = list(connection.scan_iter(store.prefix + "*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def run_worker_process(queue_name, app=None):
    """`flask --app wsgi documents worker --burst` as production runs it (without --burst), in
    its own process with its own app: renders what is queued, then exits. Its files go to the
    storage of `app` (the web hosts'; the suite's app by default), as they do in production."""
    if app is None:
        from flask import current_app

        app = current_app
    env = {**os.environ, "RAKOR_ENV": "development", "REDIS_URL": REDIS_URL, "DOCUMENT_QUEUE": queue_name,
           "DATABASE_URL": "sqlite://", "RATELIMIT_STORAGE_URI": "memory://",
           "UPLOAD_DIR": app.config["UPLOAD_DIR"]}
    for name in ("STORAGE_BACKEND", "S3_ENDPOINT_URL", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY",
                 "S3_REGION"):
        if app.config.get(name):
            env[name] = app.config[name]
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "documents", "worker", "--burst"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = result.stdout + result.stderr  # rq logs INFO to stdout, errors to stderr
    assert result.returncode == 0, log[-3000:]
    return log


def meeting_part_tables():
    """The tables of each part of a meeting's data (rakor/core/page_cache.py MEETING_PARTS): a
    kept fragment that reads one of them must name that part's scope."""
    from rakor.core import page_cache

    return {
        page_cache.PARTICIPANTS: ("participant", "checkin_mark"),
        page_cache.COMMITMENTS: ("commitment", "commitment_event", "progress_update"),
        page_cache.MAIL: ("outbound_mail",),
    }


# Both forms of the token's field: the layout's own and WTForms' hidden_tag() (id, name, type, value).
_CSRF_TOKEN = re.compile(r'(<input[^>]*\bname="csrf_token"[^>]*\bvalue=")([^"]*)(")')


def without_csrf_tokens(html):
    """`html` with its CSRF tokens' values blanked: a token is signed with the second it was made
    in, so two copies of the same page differ by them when a second passed between the two."""
    return _CSRF_TOKEN.sub(r"\1\3", html)
