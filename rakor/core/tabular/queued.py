"""Big imports run on the document worker's queue, not in the request (issue 20, target 3).

With a queue (REDIS_URL set), the confirmation of a staged file of IMPORT_QUEUE_THRESHOLD rows
or more (the preview counted them; `staging` keeps the count beside the file) puts one job on
the DOCUMENT_QUEUE that `flask documents worker` already serves, and answers at once with a
page whose bar follows the job (`static/js/import-progress.js` polls a small JSON status; no
inline script). The job does what the request would have done, in the worker's app context:
read and check the staged file again, write every row through the feature's `write`, commit
once, or roll everything back. When it ends, the page shows the feature's success message on
its usual page (as after an import in the request) or the rows refused.

Without REDIS_URL, below the threshold, or when Redis does not answer at the confirmation,
the import runs in the request as before. Nothing of the feature changes: the job finds the
flow by its blueprint (every `ImportFlow.register` records it), the scope (the meeting) and the
user by their mapped class and id, and calls the flow's own `read`, `write` and `done`.

Whose job is whose: the job's id is random, and its status is only shown to the user who
started it, under the same access rule and scope (another user, or another meeting's URL: 404).
"""
import importlib
import logging
import secrets

from flask import current_app, g
from flask_babel import force_locale, get_locale
from redis.exceptions import RedisError
from rq import Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from rakor.core import files
from rakor.core.errors import DomainError
from rakor.core.queueing import document_queue, redis_connection
from rakor.core.tabular import importing
from rakor.core.tabular.report import ImportCommitError
from rakor.core.tabular.staging import discard_upload, load_upload, staged_checks
from rakor.extensions import db

log = logging.getLogger(__name__)

QUEUED, CHECKING, WRITING = "queued", "checking", "writing"
DONE, REFUSED, FAILED, ERROR = "done", "refused", "failed", "error"
FINISHED = {DONE, REFUSED, FAILED, ERROR}
RESULT_TTL = 3600  # the job (and its outcome) stays this long for the page to show it
PROGRESS_EVERY = 250  # rows between two progress notes in Redis while checking
MAX_PROBLEMS = 200  # lines of a refused file shown on the page


_FLOWS = {}  # blueprint name -> its ImportFlow (every `ImportFlow.register` records it here)


def register_flow(flow):
    _FLOWS[flow.blueprint] = flow


def enabled() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def wanted(rows) -> bool:
    """Whether an import of `rows` rows goes to the worker (never without a queue)."""
    return enabled() and rows is not None and rows >= current_app.config["IMPORT_QUEUE_THRESHOLD"]


def _ref(obj):
    """'module:Class:id' of a mapped object (the meeting, the user), or None."""
    if obj is None:
        return None
    cls = obj.__class__  # through a proxy (current_user) too
    return f"{cls.__module__}:{cls.__qualname__}:{obj.id}"


def _load(ref):
    if ref is None:
        return None
    module, name, ident = ref.split(":")
    return db.session.get(getattr(importlib.import_module(module), name), int(ident))


def enqueue(flow, scope, user, token, options, rows) -> str:
    """Put the import of the staged file `token` on the queue; returns the job's id. Raises
    RedisError when Redis does not answer (the caller imports in the request instead)."""
    conn = redis_connection()
    job_id = "rakor-import-" + secrets.token_urlsafe(16)
    locale = str(get_locale() or current_app.config.get("BABEL_DEFAULT_LOCALE", "id"))
    meta = {"flow": flow.blueprint, "user_id": getattr(user, "id", None),
            "scope_id": getattr(scope, "id", None), "total": rows, "checked": 0, "state": QUEUED}
    document_queue(conn).enqueue(run_import, flow.blueprint, _ref(scope), _ref(user), token, options, locale, job_id,
                        job_id=job_id, meta=meta, description=f"{flow.blueprint} import of {rows} rows",
                        job_timeout=current_app.config["IMPORT_JOB_TIMEOUT"], result_ttl=RESULT_TTL,
                        failure_ttl=RESULT_TTL, ttl=RESULT_TTL)
    return job_id


def fetch(job_id, flow, scope, user):
    """The job if it is this user's import of this flow and scope, else None."""
    if not job_id or not job_id.startswith("rakor-import-") or len(job_id) > 64:
        return None
    try:
        job = Job.fetch(job_id, connection=redis_connection(), serializer=JSONSerializer)
    except (NoSuchJobError, RedisError):
        return None
    meta = job.meta or {}
    if (meta.get("flow"), meta.get("user_id"), meta.get("scope_id")) != (
            flow.blueprint, getattr(user, "id", None), getattr(scope, "id", None)):
        return None
    return job


def status(job) -> dict:
    """The JSON the progress page polls: state, rows checked, total, workers listening."""
    meta = job.get_meta(refresh=True) or {}
    state = meta.get("state", QUEUED)
    if state not in FINISHED and job.get_status(refresh=True) in {JobStatus.FAILED, JobStatus.STOPPED,
                                                                  JobStatus.CANCELED}:
        state = ERROR  # the job died without saying how (a crash, a timeout)
    answer = {"state": state, "checked": meta.get("checked", 0), "total": meta.get("total"),
              "finished": state in FINISHED}
    if state == QUEUED:
        answer["workers"] = Worker.count(connection=job.connection, queue=document_queue(job.connection))
    return answer


def outcome(job) -> dict:
    return (job.get_meta(refresh=False) or {}).get("outcome") or {}


# --- the worker's half ---------------------------------------------------------------------------

def run_import(flow_name, scope_ref, user_ref, token, options, locale, job_id):
    """The job: what `ImportFlow._import_confirm` does in the request, all or nothing. Runs in
    the worker's app context; its outcome goes into the job's meta for the page."""
    job = Job.fetch(job_id, connection=redis_connection(), serializer=JSONSerializer)
    flow = _FLOWS[flow_name]

    def note(**values):
        job.meta.update(values)
        job.save_meta()

    with current_app.test_request_context("/"), force_locale(locale):
        try:
            result = _perform(flow, scope_ref, user_ref, token, options, note)
        except BaseException:
            db.session.rollback()
            note(state=ERROR)
            raise
        finally:
            importing.report_progress(None)
        note(state=result["state"], outcome=result)
    return result["state"]


@importing.own_collections()
def _perform(flow, scope_ref, user_ref, token, options, note):
    scope, user = _load(scope_ref), _load(user_ref)
    # A flow's `read` may ask `current_user` (progress: what a delegate may report), as in the
    # request: the job acts as the user who confirmed (Flask-Login reads g._login_user).
    g._login_user = user
    store = files.store()
    staged = load_upload(store, token, meeting_id=getattr(scope, "id", None), user_id=getattr(user, "id", None),
                         kind=flow.kind)
    if scope is None and scope_ref is not None or user is None or staged is None:
        return {"state": FAILED, "message": str(flow.gone_message), "problems": []}
    note(state=CHECKING)
    importing.report_progress(lambda n: note(checked=n), every=PROGRESS_EVERY)
    with importing.remembering(staged_checks(store, token)):
        report = flow.read(scope, *staged, flow.max_rows(), **options)
    importing.report_progress(None)
    if not report.ok:
        db.session.rollback()
        problems = report.problems()
        return {"state": REFUSED, "message": str(flow.conflict_message), "problems": problems[:MAX_PROBLEMS],
                "more": max(0, len(problems) - MAX_PROBLEMS)}
    note(state=WRITING, checked=len(report.rows))
    try:
        written = flow.write(scope, report, user, **options)
        db.session.commit()
    except ImportCommitError as e:
        db.session.rollback()
        return {"state": FAILED, "problems": [], "message": str(flow.commit_error_message(report, e))}
    except DomainError as e:
        db.session.rollback()
        return {"state": FAILED, "problems": [], "message": str(e.message)}
    discard_upload(store, token)
    message, url = flow.done(scope, written)
    return {"state": DONE, "message": str(message), "url": url, "problems": []}
