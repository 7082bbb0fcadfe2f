"""Big documents are rendered by a worker, not in the request (issue 10 item 5, issue 11 item 9).

For features: one call answers a PDF download.

    from rakor.documents import jobs
    return jobs.pdf_response_or_job(kind, meeting, user)     # a registered DocumentKind
    return jobs.html_pdf_response(html, filename, rows=n, name="minutes", title="Notulen")

The answer is the PDF itself, or the "being prepared" page (200; it reloads itself every few
seconds through a `Refresh` header, no script, and then receives the PDF), or, when the render
failed, a page that says so and offers to try again (500). `jobs.prepare(html, name=...)` is the
step under both, for a caller that keeps the file itself (final minutes): `.state` is READY,
PREPARING or FAILED, `.pdf` the bytes when READY.

When a document goes to the worker
    Only with a queue, i.e. REDIS_URL set. Development has none: every document renders in the
    request as before and `make run` needs nothing else. With a queue, a kind whose `size(context)`
    (the rows it prints) reaches DOCUMENT_QUEUE_THRESHOLD goes to the worker; smaller ones still
    render in the request, byte for byte as without a queue. If Redis does not answer, the request
    renders inline and logs a warning: slow beats broken.

What the request still does
    It builds the kind's context and HTML (database reads and Jinja: tens of milliseconds for
    1,000 rows) after the route has checked the kind's permission, on every poll. Only HTML -> PDF
    (WeasyPrint: seconds to a minute) moves. The worker receives that HTML, not ids: it reads no
    database, and it renders exactly what the request was allowed to show, even if the user's role
    changes in between.

Whose file is whose
    The job and its file are keyed by the SHA-256 of the kind's name and that HTML. The HTML is what
    this user may read of this meeting now, so the key changes with the content (a participant
    added) and with the user's view (a delegate's attendance sheet leaves other agencies' NIPs out,
    the committee's does not), without a kind declaring a version or a variant; users who may read
    the same thing share one render. A prepared file is served only to a request that built the
    same HTML itself, after the route's permission check: a user who may not see the meeting gets
    403 before any of this, a user with another view computes another key.

Where the file lives
    In the storage (rakor/storage: UPLOAD_DIR, or the S3 bucket every host shares), under
    `documents/<queue>/<key>.pdf`, so a file rendered by the worker on one host is downloaded
    through any web host, and Redis holds jobs, not megabytes of PDF. It is a cache of what the
    request can rebuild: a file older than DOCUMENT_FILE_TTL seconds counts as absent (the next
    request renders it again) and `flask storage sweep` deletes it. A failed job is remembered
    for FAILURE_TTL, so the page does not retry on its own in a loop; "try again" (`?retry=1`) or
    the next request after that starts a new render.

The worker
    `flask --app wsgi documents worker [--burst]` runs rq's forking Worker on the DOCUMENT_QUEUE
    queue with JSON-serialised jobs (no pickle); each job runs inside an app context of the worker's
    own app (`AppContextWorker`), which gives `render_job` the static folder (CSS, fonts, logos) of
    the host it runs on. Plain `rq worker` would have no app context and cannot run these jobs.
"""
import hashlib
import logging
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app, render_template, request
from redis.exceptions import RedisError
from rq import SimpleWorker, Worker, get_current_job
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from rakor import storage
from rakor.core.downloads import meeting_filename, send_bytes
from rakor.core.queueing import document_queue, redis_connection  # noqa: F401 - features use them from here
from rakor.documents.pdf import html_to_pdf, render_html, render_pdf
from rakor.documents.registry import context_of

log = logging.getLogger(__name__)

READY, PREPARING, FAILED = "ready", "preparing", "failed"
REFRESH_SECONDS = 3
FAILURE_TTL = 10 * 60
QUEUED_TTL = 60 * 60  # a job no worker picked up in an hour is dropped; the next request makes a new one
WAITING = {JobStatus.CREATED, JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}
GAVE_UP = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}
PDF = "application/pdf"


@dataclass(frozen=True)
class Prepared:
    state: str  # READY, PREPARING or FAILED
    pdf: bytes | None = None
    workers: int | None = None  # workers listening while PREPARING (0: nobody will render it)


def queue_enabled() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def is_big(rows) -> bool:
    """Whether a document of `rows` rows goes to the worker (never without a queue)."""
    return (queue_enabled() and rows is not None
            and rows >= current_app.config["DOCUMENT_QUEUE_THRESHOLD"])


def pdf_response_or_job(kind, meeting, user, options=None):
    """The PDF of `kind` for `meeting` as `user` reads it (the caller has checked
    `kind.permission`), rendered here or by the worker (see the module's docstring)."""
    context = context_of(kind, meeting, user, options)
    filename = meeting_filename(kind.filename_prefix, meeting, "pdf")
    rows = kind.size(context) if kind.size is not None and queue_enabled() else None
    if not is_big(rows):
        return send_bytes(render_pdf(kind.template, **context), filename, PDF, inline=True)
    html = render_html(kind.template, for_pdf=True, **context)
    return html_pdf_response(html, filename, rows=rows, name=kind.name, title=kind.title)


def html_pdf_response(html, filename, *, rows, name="document", title=None):
    """`html` (built by `render_html(..., for_pdf=True)` for this user) as a PDF response named
    `filename`: inline when small or without a queue, else through the worker."""
    if not is_big(rows):
        return send_bytes(html_to_pdf(html), filename, PDF, inline=True)
    try:
        prepared = prepare(html, name=name, retry=request.args.get("retry") == "1")
    except RedisError:
        log.warning("Redis does not answer: rendering %s (%s rows) in the request", filename, rows,
                    exc_info=True)
        return send_bytes(html_to_pdf(html), filename, PDF, inline=True)
    if prepared.state == READY:
        return send_bytes(prepared.pdf, filename, PDF, inline=True)
    return _status_page(prepared, title or filename, rows)


def prepare(html, *, name="document", retry=False) -> Prepared:
    """The PDF of `html` if the worker has made it, else the state of its job, enqueueing one when
    there is none (or, with `retry`, when the last one failed). Raises RedisError when Redis does
    not answer."""
    connection = redis_connection()
    queue = document_queue(connection)
    key = document_key(name, html)
    file_key = result_key(queue.name, key)
    pdf = _fresh_result(file_key)
    if pdf is not None:
        return Prepared(READY, pdf)
    job_id = re.sub(r"[^A-Za-z0-9_-]", "_", queue.name) + "-" + key
    job = _fetch(job_id, connection)
    status = job.get_status(refresh=False) if job is not None else None
    if status in WAITING:
        return Prepared(PREPARING, workers=Worker.count(connection=connection, queue=queue))
    if status in GAVE_UP and not retry:
        return Prepared(FAILED)
    if job is not None:  # failed and retried, or finished but its file has expired since
        job.delete()
    try:
        queue.enqueue(render_job, html, file_key, current_app.config["DOCUMENT_FILE_TTL"],
                      job_id=job_id, unique=True, description=f"{name} PDF",
                      job_timeout=current_app.config["DOCUMENT_JOB_TIMEOUT"],
                      ttl=QUEUED_TTL, result_ttl=0, failure_ttl=FAILURE_TTL)
    except DuplicateJobError:
        pass  # another request enqueued the same document a moment ago
    return Prepared(PREPARING, workers=Worker.count(connection=connection, queue=queue))


def render_job(html, file_key, ttl):
    """The worker's half: HTML -> PDF, stored where `prepare` looks for it (the storage; a job
    enqueued before the storage held these files names a Redis key, and gets one). Runs in the
    worker's app context (AppContextWorker)."""
    pdf = html_to_pdf(html)
    if file_key.startswith(RESULTS + "/"):
        storage.current().put_bytes(file_key, pdf)
    else:
        get_current_job().connection.set(file_key, pdf, ex=ttl)
    return len(pdf)


RESULTS = "documents"


def result_key(queue_name, key) -> str:
    """The storage key of a rendered document: `documents/<queue>/<key>.pdf`."""
    folder = re.sub(r"[^a-z0-9_-]+", "-", queue_name.lower()).strip("-_") or "queue"
    return f"{RESULTS}/q{folder}/{key}.pdf"


def _fresh_result(file_key) -> bytes | None:
    """The rendered PDF under `file_key` if it is younger than DOCUMENT_FILE_TTL, else None."""
    store = storage.current()
    try:
        info = store.stat(file_key)
        if (datetime.now(UTC) - info.modified).total_seconds() > current_app.config["DOCUMENT_FILE_TTL"]:
            return None  # expired: rendered again, and the sweep deletes the old one
        return store.read(file_key)
    except storage.ObjectMissingError:
        return None


def document_key(name, html) -> str:
    return hashlib.sha256(name.encode() + b"\0" + html.encode()).hexdigest()


def _fetch(job_id, connection):
    try:
        return Job.fetch(job_id, connection=connection, serializer=JSONSerializer)
    except NoSuchJobError:
        return None


def status_response(prepared, title, rows):
    """The "being prepared" page (PREPARING, 200, reloading itself) or the "could not be
    prepared" page (FAILED, 500) of `prepared`, for a caller of `prepare`."""
    return _status_page(prepared, title, rows)


def _status_page(prepared, title, rows):
    clean = request.path  # without ?retry=1, so that a reload does not retry again
    body = render_template("documents/preparing.html", state=prepared.state, title=title, rows=rows,
                           workers=prepared.workers, refresh_url=clean, retry_url=f"{clean}?retry=1",
                           refresh_seconds=REFRESH_SECONDS)
    response = current_app.response_class(body, status=500 if prepared.state == FAILED else 200)
    if prepared.state == PREPARING:
        response.headers["Refresh"] = f"{REFRESH_SECONDS}; url={clean}"
    response.headers["Cache-Control"] = "no-store"
    return response


class AppContextWorker:
    """Mixin: each job runs inside an app context of `app` (in the forked work horse for Worker,
    in the worker's own process for SimpleWorker)."""

    app = None

    def perform_job(self, job, queue, *args, **kwargs):
        from rakor.core.metrics import JOB_DURATION

        start, ok = time.perf_counter(), False
        try:
            with self.app.app_context():
                ok = super().perform_job(job, queue, *args, **kwargs)
            return ok
        finally:
            JOB_DURATION.labels(queue.name, "finished" if ok else "failed").observe(time.perf_counter() - start)


def queue_metrics():
    """Scraped state of the document queue (rakor.core.metrics.scrape_collectors): jobs waiting,
    running and failed, and the workers listening. Nothing without REDIS_URL."""
    from prometheus_client.core import GaugeMetricFamily
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    if not queue_enabled():
        return
    connection = redis_connection()
    queue = document_queue(connection)
    depth = GaugeMetricFamily("rakor_queue_jobs", "Jobs of the document queue by state.",
                              labels=["queue", "state"])
    depth.add_metric([queue.name, "queued"], queue.count)
    depth.add_metric([queue.name, "started"], StartedJobRegistry(queue=queue).count)
    depth.add_metric([queue.name, "failed"], FailedJobRegistry(queue=queue).count)
    yield depth
    workers = GaugeMetricFamily("rakor_queue_workers", "Workers listening on the document queue.",
                                labels=["queue"])
    workers.add_metric([queue.name], Worker.count(connection=connection, queue=queue))
    yield workers


def make_worker(app, *, simple=False):
    """rq's forking Worker (a crash or leak in WeasyPrint dies with its work horse, and the job
    timeout is enforced there) or, with `simple`, SimpleWorker, which runs jobs in this process."""
    base = SimpleWorker if simple else Worker
    worker_class = type(f"App{base.__name__}", (AppContextWorker, base), {"app": app})
    with app.app_context():
        connection = redis_connection()
        queue = document_queue(connection)
    return worker_class([queue], connection=connection, serializer=JSONSerializer)
