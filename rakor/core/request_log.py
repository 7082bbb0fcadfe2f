"""Request ids and structured (JSON) logs.

Every request carries an id: the `X-Request-ID` nginx passes through (deploy/nginx/rakor.conf sets
it to `$request_id` when the client sent none), or one made here; it is echoed in the response's
`X-Request-ID` and put on every log record written while the request runs, so one line in nginx's
log, the app's lines and a user's screenshot of the header lead to each other.

With `LOG_FORMAT=json` (production's default) the app's records go to stderr as one JSON object a
line (`ts`, `level`, `logger`, `msg`, `request_id`, plus `method`, `path`, `endpoint`, `status`,
`duration_ms`, `remote_addr` on the access line, `exc` with a traceback); systemd's journal or any
collector reads them as they are.
"""
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import g, has_request_context, request

HEADER = "X-Request-ID"
# What we accept from outside: nginx's $request_id is 32 hex characters; a caller's own id may be a
# UUID or similar. Anything else (too long, spaces, control characters) is replaced, never logged.
_VALID = re.compile(r"[A-Za-z0-9._:-]{8,128}\Z")
ACCESS_LOGGER = "rakor.access"
_EXTRA_FIELDS = ("method", "path", "endpoint", "status", "duration_ms", "remote_addr", "bytes")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def incoming_id(value) -> str:
    """The caller's id when it is a plain token, else a new one."""
    if value and _VALID.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for field in _EXTRA_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(app):
    """JSON lines on stderr for the app's loggers (`rakor.*`, the app's own, rq's), with the request
    id; `text` keeps Flask's default handler (development)."""
    if app.config.get("LOG_FORMAT", "text") != "json":
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler._rakor_json = True
    for name in (app.logger.name, "rakor", "rq.worker"):  # gunicorn.error keeps its own format
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if not getattr(h, "_rakor_json", False)]
        if name == app.logger.name:
            from flask.logging import default_handler

            logger.removeHandler(default_handler)
        logger.addHandler(handler)
        logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
        logger.propagate = False


def start_request():
    """First before_request of the app: the id and the clock."""
    g.request_id = incoming_id(request.headers.get(HEADER))
    g.request_started = time.perf_counter()


def seconds_since_start() -> float:
    started = g.get("request_started")
    return time.perf_counter() - started if started is not None else 0.0


def finish_request(response, seconds):
    rid = g.get("request_id")
    if rid:
        response.headers[HEADER] = rid
    logging.getLogger(ACCESS_LOGGER).info(
        "%s %s %s", request.method, request.path, response.status_code,
        extra={"method": request.method, "path": request.path, "endpoint": request.endpoint,
               "status": response.status_code, "duration_ms": round(seconds * 1000, 1),
               "remote_addr": request.remote_addr, "bytes": response.calculate_content_length()})
    return response
