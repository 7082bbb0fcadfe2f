"""Rate limits are shared between gunicorn workers through Redis (no per-process state).

Two separate Python processes stand in for two workers; each makes 6 failed logins from the
same address with a limit of 10 per minute: together they must hit the limit."""
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]

WORKER = r"""
import sys, config
from rakor import create_app

class WorkerConfig(config.TestConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = sys.argv[1]
    RATELIMIT_KEY_PREFIX = sys.argv[2]
    LOGIN_RATE_LIMIT = "10 per minute"
    # A moving window: with the default fixed window, two processes that start slowly (a busy
    # machine) could straddle a minute boundary and start counting again (seen once in a full run).
    RATELIMIT_STRATEGY = "moving-window"

app = create_app(WorkerConfig)
with app.app_context():
    from rakor.extensions import db
    db.create_all()
client = app.test_client()
codes = [client.post("/login", data={"email": "x@example.id", "password": "wrong-password"}).status_code
         for _ in range(6)]
print(" ".join(map(str, codes)))
"""


def redis_reachable():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="Redis is not running on 127.0.0.1:6379")
def test_login_limit_is_shared_between_worker_processes():
    prefix = f"rakor-test-{uuid.uuid4().hex}"
    codes = []
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", WORKER, REDIS_URL, prefix], cwd=ROOT,
                             capture_output=True, text=True, timeout=120, check=True)
        codes += out.stdout.split()[-6:]
    assert codes[:10] == ["200"] * 10
    assert codes[10:] == ["429", "429"]
