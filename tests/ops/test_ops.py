"""/healthz, /readyz, /metrics, request ids and JSON logs (rakor/ops, rakor/core/metrics.py,
rakor/core/request_log.py)."""
import json
import logging

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import event

from rakor.core import request_log
from rakor.extensions import db as _db
from rakor.mail.models import QUEUED, OutboundMail
from rakor.ops import checks
from tests.helpers import REDIS_URL, UNREACHABLE, redis_or_skip

TOKEN = "metrics-test-token-0123456789"


def samples(body, name):
    """{labels as a sorted tuple: value} of the samples called `name` in an exposition."""
    found = {}
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


@pytest.fixture
def metrics_token(app, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    return {"Authorization": f"Bearer {TOKEN}"}


def test_healthz_answers_without_touching_the_database(app, client, db):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/healthz")
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert statements == []


def test_health_endpoints_answer_any_host_name(client, db):
    """nginx and Prometheus reach a host by its address; other pages refuse a foreign Host."""
    assert client.get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200
    assert client.get("/readyz", headers={"Host": "10.0.0.5:8000"}).status_code == 200
    assert client.get("/auth/login", headers={"Host": "10.0.0.5:8000"}).status_code == 400


def test_readyz_checks_the_database_and_skips_what_is_not_configured(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["status"] == "ready"
    assert response.json["checks"]["database"]["ok"] is True
    assert response.json["checks"]["redis"] == {"ok": True, "skipped": True}  # no REDIS_URL
    assert response.json["checks"]["storage"] == {"ok": True, "skipped": True}  # disk


def test_readyz_is_503_naming_redis_when_it_does_not_answer(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", UNREACHABLE)
    monkeypatch.delitem(app.extensions, "rakor.ops.redis", raising=False)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["status"] == "not ready"
    assert response.json["checks"]["redis"]["ok"] is False
    assert "ConnectionError" in response.json["checks"]["redis"]["error"]
    assert response.json["checks"]["database"]["ok"] is True
    app.extensions.pop("rakor.ops.redis", None)


def test_readyz_with_a_real_redis(app, client, db, monkeypatch):
    redis_or_skip("READYZ REDIS TEST", "the unreachable case is tested anyway").close()
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    try:
        response = client.get("/readyz")
    finally:
        app.extensions.pop("rakor.ops.redis", None)
    assert response.status_code == 200
    assert response.json["checks"]["redis"]["ok"] is True


def test_readyz_is_503_when_the_database_fails(app, client, db, monkeypatch):
    def broken():
        raise RuntimeError("database is gone")

    monkeypatch.setitem(app.extensions[checks.EXTENSION], "database", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"] == {
        "ok": False, "ms": response.json["checks"]["database"]["ms"],
        "error": "RuntimeError: database is gone"}


def test_readyz_asks_the_object_store_with_s3(app, client, db, monkeypatch):
    """STORAGE_BACKEND=s3: the store's check decides (a build without one is not ready)."""
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    monkeypatch.setitem(app.extensions[checks.EXTENSION], "storage", lambda: "bucket rakor unreachable")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["storage"]["error"] == "bucket rakor unreachable"


def test_metrics_is_absent_without_a_token_and_refuses_a_wrong_one(app, client, db, monkeypatch):
    assert client.get("/metrics").status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert b"rakor_http" not in wrong.data


def test_metrics_count_requests_by_endpoint_and_status(client, db, metrics_token):
    before = samples(client.get("/metrics", headers=metrics_token).data, "rakor_http_requests_total")
    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page-at-all")
    body = client.get("/metrics", headers=metrics_token).data
    after = samples(body, "rakor_http_requests_total")
    healthz = (("endpoint", "ops.healthz"), ("method", "GET"), ("status", "200"))
    missing = (("endpoint", "unmatched"), ("method", "GET"), ("status", "404"))
    assert after[healthz] - before.get(healthz, 0) == 2
    assert after[missing] - before.get(missing, 0) == 1
    assert not any("no-such-page" in str(labels) for labels in after)  # never the path
    buckets = samples(body, "rakor_http_request_duration_seconds_count")
    assert buckets[(("endpoint", "ops.healthz"), ("method", "GET"))] >= 2
    assert body.decode().count("# TYPE rakor_http_request_duration_seconds histogram") == 1


def _mail(status):
    row = OutboundMail(kind="reminder", to_address="opd@example.id", subject="s", text_body="b",
                       status=status)
    _db.session.add(row)
    _db.session.flush()
    return row


def test_metrics_count_mail_failures_and_show_the_outbox(client, db, metrics_token, monkeypatch):
    from rakor.mail import services, transport

    before = client.get("/metrics", headers=metrics_token).data
    sent, refused = _mail(QUEUED), _mail(QUEUED)
    db.session.commit()
    monkeypatch.setattr(transport, "deliver", lambda rows: {refused.id: "550 no such user"})
    services.send_queued([sent.id, refused.id])
    after = client.get("/metrics", headers=metrics_token).data
    for outcome in ("sent", "failed"):
        key = (("outcome", outcome),)
        assert samples(after, "rakor_mail_sends_total")[key] - samples(before, "rakor_mail_sends_total").get(key, 0) == 1
    failed = (("state", "failed"),)
    assert samples(after, "rakor_mail_outbox")[failed] - samples(before, "rakor_mail_outbox")[failed] == 1


def test_metrics_count_document_renders(app, client, db, metrics_token):
    from rakor.documents.pdf import html_to_pdf

    before = samples(client.get("/metrics", headers=metrics_token).data, "rakor_document_render_seconds_count")
    with app.test_request_context("/"):
        html_to_pdf("<p>Rakor</p>")
    html_to_pdf("<p>Rakor</p>")  # outside a request: the worker
    after = samples(client.get("/metrics", headers=metrics_token).data, "rakor_document_render_seconds_count")
    for where in ("request", "worker"):
        key = (("where", where),)
        assert after[key] - before.get(key, 0) == 1


def test_queue_depth_and_job_durations_with_a_real_queue(app, client, db, redis_queue, metrics_token):
    from rakor.documents import jobs

    connection, name = redis_queue
    with app.test_request_context("/"):
        jobs.prepare("<p>queued</p>", name="metrics-test")
    body = client.get("/metrics", headers=metrics_token).data
    depth = samples(body, "rakor_queue_jobs")
    assert depth[(("queue", name), ("state", "queued"))] == 1
    assert samples(body, "rakor_queue_workers")[(("queue", name),)] == 0
    before = samples(body, "rakor_job_duration_seconds_count")
    jobs.make_worker(app, simple=True).work(burst=True)
    body = client.get("/metrics", headers=metrics_token).data
    key = (("outcome", "finished"), ("queue", name))
    assert samples(body, "rakor_job_duration_seconds_count")[key] - before.get(key, 0) == 1
    assert samples(body, "rakor_queue_jobs")[(("queue", name), ("state", "queued"))] == 0


def test_request_id_is_passed_through_or_made(client, db):
    given = client.get("/healthz", headers={"X-Request-ID": "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7"})
    assert given.headers["X-Request-ID"] == "3f2a9c0d4e5b6a7f8091a2b3c4d5e6f7"
    made = client.get("/healthz")
    other = client.get("/healthz")
    assert len(made.headers["X-Request-ID"]) == 32
    assert made.headers["X-Request-ID"] != other.headers["X-Request-ID"]
    forged = client.get("/healthz", headers={"X-Request-ID": "a b\x1b[31mred"})
    assert forged.headers["X-Request-ID"] != "a b\x1b[31mred"
    assert len(forged.headers["X-Request-ID"]) == 32


def test_json_log_lines_carry_the_request_id(app, client, db):
    """LOG_FORMAT=json: one JSON object a line, the access line and the app's own records with the
    id of the request they belong to."""
    lines = []

    class Capture(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(formatter.format(record)))

    formatter = request_log.JsonFormatter()
    handler = Capture()
    handler.addFilter(request_log.RequestIdFilter())
    logger = logging.getLogger("rakor")
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        client.get("/healthz", headers={"X-Request-ID": "req-0123456789abcdef"})
        with app.test_request_context("/", headers={"X-Request-ID": "req-fedcba9876543210"}):
            request_log.start_request()
            try:
                raise ValueError("boom")
            except ValueError:
                logging.getLogger("rakor.documents").exception("render failed")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    access = next(line for line in lines if line["logger"] == "rakor.access")
    assert access["request_id"] == "req-0123456789abcdef"
    assert (access["method"], access["path"], access["endpoint"], access["status"]) == (
        "GET", "/healthz", "ops.healthz", 200)
    assert access["duration_ms"] >= 0
    failure = next(line for line in lines if line["msg"] == "render failed")
    assert failure["request_id"] == "req-fedcba9876543210"
    assert failure["level"] == "ERROR"
    assert "ValueError: boom" in failure["exc"]


def test_log_format_json_puts_json_lines_on_the_app_loggers(app):
    names = ("rakor", "rq.worker")
    saved = {n: (list(logging.getLogger(n).handlers), logging.getLogger(n).level,
                 logging.getLogger(n).propagate) for n in names}

    class Json:
        config = {"LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}
        logger = logging.getLogger("rakor")

    try:
        request_log.configure_logging(Json)
        request_log.configure_logging(Json)  # a second app in the same process: still one handler
        for name in names:
            ours = [h for h in logging.getLogger(name).handlers if getattr(h, "_rakor_json", False)]
            assert len(ours) == 1
            assert isinstance(ours[0].formatter, request_log.JsonFormatter)
    finally:
        for name, (handlers, level, propagate) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers, logger.level, logger.propagate = handlers, level, propagate
