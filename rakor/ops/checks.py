"""Readiness checks: each answers None when its dependency works, else a short reason. The
database and Redis are here; the object store registers its own (when STORAGE_BACKEND=s3), and any
feature may add one with `register(app, name, check)`."""
import time

from flask import current_app
from sqlalchemy import text

from rakor.extensions import db

EXTENSION = "rakor.readiness_checks"
TIMEOUT_SECONDS = 2


def register(app, name, check):
    app.extensions.setdefault(EXTENSION, {})[name] = check


def register_defaults(app):
    register(app, "database", database)
    register(app, "redis", redis)
    register(app, "storage", storage)


def run_all():
    """{name: {"ok": bool, "ms": float, "error": str?}} for every registered check."""
    results = {}
    for name, check in current_app.extensions.get(EXTENSION, {}).items():
        start = time.perf_counter()
        try:
            problem = check()
        except Exception as exc:  # noqa: BLE001 - a check that raises says why, never a 500
            problem = f"{type(exc).__name__}: {exc}"[:300]
        result = {"ok": problem is None, "ms": round((time.perf_counter() - start) * 1000, 1)}
        if problem == SKIPPED:
            result = {"ok": True, "skipped": True}
        elif problem is not None:
            result["error"] = problem
        results[name] = result
    return results


SKIPPED = "skipped"


def database():
    try:
        db.session.execute(text("SELECT 1")).scalar_one()
    finally:
        db.session.rollback()
    return None


def redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return SKIPPED  # development: nothing shared to reach
    from redis import Redis

    client = current_app.extensions.get("rakor.ops.redis")
    if client is None or client[0] != url:
        client = (url, Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS,
                                      socket_timeout=TIMEOUT_SECONDS))
        current_app.extensions["rakor.ops.redis"] = client
    client[1].ping()
    return None


def storage():
    """The object store, when files live in one (STORAGE_BACKEND=s3): the storage interface's own
    check (the bucket answers to our credentials). The local disk needs no check beyond the host
    being alive, so it is skipped."""
    if current_app.config.get("STORAGE_BACKEND", "disk") != "s3":
        return SKIPPED
    from rakor import storage as files

    files.current().check()  # raises, with the store's own reason, when it does not answer
    return None
