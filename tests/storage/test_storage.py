"""The storage interface, the same tests for both backends: the local disk and S3 (a real
SeaweedFS, tests/seaweedfs.py; skipped with a notice where it cannot start)."""
import hashlib
import io
from datetime import UTC, datetime

import pytest

from rakor import storage
from rakor.storage import ObjectMissingError


def test_bytes_go_in_and_come_back_with_size_and_time(store):
    info = store.put_bytes("materials/a1.pdf", b"%PDF-1.4 hello")
    assert info.key == "materials/a1.pdf" and info.size == 14
    assert abs((datetime.now(UTC) - info.modified).total_seconds()) < 300
    assert store.read("materials/a1.pdf") == b"%PDF-1.4 hello"
    assert store.exists("materials/a1.pdf") and store.stat("materials/a1.pdf").size == 14
    assert store.sha256("materials/a1.pdf") == (hashlib.sha256(b"%PDF-1.4 hello").hexdigest(), 14)


def test_put_file_moves_a_finished_file_in_and_replaces_an_older_object(store, tmp_path):
    source = tmp_path / "incoming.bin"
    source.write_bytes(b"one")
    store.put_file("evidence/x.png", source)
    assert not source.exists() and store.read("evidence/x.png") == b"one"
    with store.scratch_file() as path:
        with open(path, "wb") as out:
            out.write(b"two" * 100_000)
        store.put_file("evidence/x.png", path)
    assert store.read("evidence/x.png") == b"two" * 100_000
    kept = tmp_path / "kept.bin"
    kept.write_bytes(b"copy")
    store.put_file("evidence/y.png", kept, move=False)
    assert kept.exists() and store.read("evidence/y.png") == b"copy"


def test_a_scratch_file_that_was_not_stored_is_gone_afterwards(store):
    with store.scratch_file() as path:
        with open(path, "wb") as out:
            out.write(b"abandoned")
    import os

    assert not os.path.exists(path)
    assert list(store.list("")) == [] or all(not i.key.startswith(".") for i in store.list(""))


def test_streams_are_read_in_chunks(store):
    data = bytes(range(256)) * 4096  # 1 MiB
    store.put_stream("documents/big.pdf", io.BytesIO(data))
    with store.open("documents/big.pdf") as f:
        first = f.read(1000)
        rest = f.read()
    assert first + rest == data


def test_a_missing_object_is_objectmissing_and_deleting_it_is_fine(store):
    with pytest.raises(ObjectMissingError):
        store.open("materials/none.pdf")
    with pytest.raises(ObjectMissingError):
        store.stat("materials/none.pdf")
    assert not store.exists("materials/none.pdf")
    store.delete("materials/none.pdf")
    store.put_bytes("materials/gone.pdf", b"x")
    store.delete("materials/gone.pdf")
    assert not store.exists("materials/gone.pdf")


@pytest.mark.parametrize("key", ["../etc/passwd", "/etc/passwd", "materials/../../x", "Materials/A.pdf",
                                 "materials", "materials/", "materials/.hidden", "", "a b/c", "materials//x"])
def test_keys_are_server_made_names_only(store, key):
    with pytest.raises(ValueError):
        store.put_bytes(key, b"x")
    with pytest.raises(ValueError):
        store.open(key)


def test_list_gives_the_objects_under_a_prefix(store):
    for key in ("materials/a.pdf", "materials/b.pdf", "evidence/c.png", "documents/d.pdf"):
        store.put_bytes(key, key.encode())
    assert sorted(i.key for i in store.list("materials/")) == ["materials/a.pdf", "materials/b.pdf"]
    assert {i.key: i.size for i in store.list("evidence/")} == {"evidence/c.png": len(b"evidence/c.png")}
    assert len(list(store.list(""))) == 4
    assert list(store.list("nothing/")) == []


def test_check_passes_on_a_usable_backend(store):
    store.check()


def test_a_download_is_streamed_with_rakors_headers_and_answers_if_none_match(app, app_storage):
    data = b"%PDF-1.4 " + b"x" * 200_000
    app_storage.put_bytes("materials/dl.pdf", data)
    etag = hashlib.sha256(data).hexdigest()
    with app.test_request_context("/"):
        response = storage.send("materials/dl.pdf", mimetype="application/pdf", download_name="Paparan Ü.pdf",
                                etag=etag)
        assert response.status_code == 200 and response.content_length == len(data)
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "Paparan%20%C3%9C.pdf" in response.headers["Content-Disposition"]
        assert "no-cache" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
        assert response.get_etag()[0] == etag
        body = b"".join(response.response)
        response.close()
        assert body == data
    with app.test_request_context("/", headers={"If-None-Match": f'"{etag}"'}):
        response = storage.send("materials/dl.pdf", mimetype="application/pdf", download_name="p.pdf", etag=etag)
        assert response.status_code == 304
    with app.test_request_context("/"), pytest.raises(ObjectMissingError):
        storage.send("materials/none.pdf", mimetype="application/pdf", download_name="p.pdf")


def test_the_app_builds_the_configured_backend(app, app_storage, backend_config):
    assert app_storage.name == backend_config["STORAGE_BACKEND"]
    assert storage.current() is app_storage


def test_an_unknown_backend_is_refused_at_once():
    with pytest.raises(RuntimeError, match="STORAGE_BACKEND"):
        storage.build({"STORAGE_BACKEND": "ftp"})
    with pytest.raises(RuntimeError, match="S3_BUCKET"):
        storage.build({"STORAGE_BACKEND": "s3"})
