"""/readyz asks the object store through the storage interface (rakor/ops/checks.py), against a
real SeaweedFS (skipped with a notice where it cannot start, as every S3 test)."""
from tests.storage.conftest import s3_config


def _configure(app, monkeypatch, config):
    for name, value in config.items():
        monkeypatch.setitem(app.config, name, value)
    app.extensions.pop("rakor.storage", None)


def test_readyz_is_ready_with_the_bucket_and_503_without_it(app, client, db, seaweedfs, s3_bucket, monkeypatch):
    _configure(app, monkeypatch, s3_config(seaweedfs, s3_bucket))
    try:
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json["checks"]["storage"]["ok"] is True
        assert "skipped" not in ready.json["checks"]["storage"]

        _configure(app, monkeypatch, s3_config(seaweedfs, "no-such-bucket-here"))
        missing = client.get("/readyz")
        assert missing.status_code == 503
        assert missing.json["checks"]["storage"]["ok"] is False
        assert missing.json["checks"]["storage"]["error"]
        assert missing.json["checks"]["database"]["ok"] is True
    finally:
        app.extensions.pop("rakor.storage", None)
