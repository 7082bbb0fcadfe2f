"""The app served by a werkzeug server in a thread, on a fresh SQLite database with the demo
loaded, and a read+write token for each demo role: for the outside checkers (Schemathesis,
the docs' examples) that talk HTTP to it like any integration would."""
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

import config
from rakor import create_app

ROLES = {"admin": "admin@demo.rakor.id", "committee": "panitia@demo.rakor.id",
         "leadership": "pimpinan@demo.rakor.id", "delegate": "delegasi.kotabaru@demo.rakor.id"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.committing)  # the server commits to its own database


@pytest.fixture(autouse=True)
def _no_limiter_without_redis(monkeypatch):
    """Flask-Limiter's `enabled` lives on the one Limiter every app of the process shares: turned
    off in this server's config, it stayed off for the apps of every later test (the rate-limit
    tests failed after these in CI's SQLite run, which has no REDIS_TEST_URL). So it is off only
    while a test of this folder runs."""
    if not os.environ.get("REDIS_TEST_URL"):
        from rakor.extensions import limiter

        monkeypatch.setattr(limiter, "enabled", False)


@pytest.fixture(scope="session")
def api_server():
    """(base URL, app, {role: token})."""
    tmp = Path(tempfile.mkdtemp(prefix="rakor-api-"))

    class LiveConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp / 'api.db'}"
        UPLOAD_DIR = str(tmp / "uploads")
        API_RATE_LIMIT = "100000 per minute"
        # Not limits' memory storage: its expiry timer is started without a lock
        # (MemoryStorage.__schedule_expiry), and two request threads of this server starting
        # the same Timer raised KeyError in threading (found by the stateful Schemathesis run).
        # Redis as in production where the suite has one, else no limiter while these tests run
        # (`_no_limiter_without_redis`; tests/api/test_tokens.py checks the limit itself).
        RATELIMIT_STORAGE_URI = os.environ.get("REDIS_TEST_URL") or "memory://"

    app = create_app(LiveConfig)
    with app.app_context():
        from flask_migrate import upgrade

        from rakor import demo
        from rakor.api import tokens
        from rakor.auth.models import User
        from rakor.extensions import db

        upgrade()
        demo.load()
        secrets = {}
        for role, email in ROLES.items():
            user = db.session.scalar(select(User).where(User.email == email))
            secrets[role] = tokens.issue(user, f"tests {role}", "write", None).secret
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, secrets
    server.shutdown()
    with app.app_context():
        from rakor.extensions import db

        db.engine.dispose()
    shutil.rmtree(tmp, ignore_errors=True)
