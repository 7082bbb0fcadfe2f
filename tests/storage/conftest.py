"""Fixtures of the storage tests: a real SeaweedFS (tests/seaweedfs.py) for the S3 backend, started
once per run; where it cannot start, the S3 half is skipped and the run ends with a notice."""
import os
import tempfile
import uuid

import pytest

from tests.seaweedfs import SeaweedFSUnavailableError, start_seaweedfs

S3_SKIP = "S3 TESTS SKIPPED"
_STATE = {}


def seaweedfs_port_base():
    # 8600-8699 by default (ten ports from the base); SEAWEEDFS_TEST_PORT_BASE moves it.
    return int(os.environ.get("SEAWEEDFS_TEST_PORT_BASE", "8600"))


@pytest.fixture(scope="session")
def seaweedfs():
    """The running SeaweedFS, or a skip (with the reason in the run's closing notice)."""
    if "server" not in _STATE and "error" not in _STATE:
        errors = []
        for attempt in range(3):  # a busy port: try the next ten
            base = seaweedfs_port_base() + 10 * attempt
            try:
                _STATE["server"] = start_seaweedfs(tempfile.mkdtemp(prefix="rakor-seaweedfs-"), base)
                break
            except SeaweedFSUnavailableError as error:
                errors.append(f"ports {base}-{base + 9}: {error}")
                if "not installed" in str(error):
                    break
        if "server" not in _STATE:
            _STATE["error"] = "; ".join(errors)
    if "error" in _STATE:
        pytest.skip(f"{S3_SKIP}: SeaweedFS could not start ({_STATE['error'][:600]})")
    yield _STATE["server"]


def pytest_sessionfinish(session):
    server = _STATE.pop("server", None)
    if server is not None:
        server.stop()


@pytest.fixture
def s3_bucket(seaweedfs):
    """A new, empty bucket on the SeaweedFS for one test."""
    return seaweedfs.make_bucket(f"t{uuid.uuid4().hex[:20]}")


def s3_config(seaweedfs, bucket):
    return {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": seaweedfs.endpoint_url, "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": seaweedfs.access_key, "S3_SECRET_ACCESS_KEY": seaweedfs.secret_key,
            "S3_REGION": "us-east-1"}


@pytest.fixture(params=["disk", "s3"])
def backend_config(request, tmp_path):
    """The storage settings of one backend: UPLOAD_DIR in a fresh folder (disk), or a fresh bucket
    on SeaweedFS (s3)."""
    if request.param == "disk":
        return {"STORAGE_BACKEND": "disk", "UPLOAD_DIR": str(tmp_path / "uploads")}
    server = request.getfixturevalue("seaweedfs")
    return {**s3_config(server, request.getfixturevalue("s3_bucket")), "UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def store(backend_config):
    from rakor import storage

    return storage.build(backend_config)


@pytest.fixture
def app_storage(app, backend_config, monkeypatch):
    """The suite's app switched to one backend for one test; returns its storage."""
    from rakor import storage

    for name, value in backend_config.items():
        monkeypatch.setitem(app.config, name, value)
    with app.app_context():
        yield storage.current()
    app.extensions.pop("rakor.storage", None)
