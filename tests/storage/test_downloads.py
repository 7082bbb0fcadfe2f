"""Downloads of stored files through each backend: Range requests (a browser resuming a large
material, a PDF viewer reading pages), and an object store that cannot be reached (503 with
Retry-After, never a 500)."""
import io
import logging
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rakor.meetings.models import Material
from rakor.progress import services as progress
from tests.factories import first_agency_commitment, make_commitment, make_meeting, update_data
from tests.helpers import PDF, upload

CONTENT = PDF + bytes(range(256)) * 40  # 10 KiB and a little, every byte value
SIZE = len(CONTENT)


@pytest.fixture
def material(app, app_storage, client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    assert upload(client, meeting, CONTENT, "Paparan.pdf").status_code == 302
    item = db.session.scalar(select(Material).where(Material.meeting_id == meeting.id))
    return f"/meetings/{meeting.id}/materials/{item.id}", item


def _get(client, url, **headers):
    with client.get(url, headers=headers) as response:
        response.get_data()
        return response


def test_a_range_request_gets_206_with_those_bytes_only(client, material):
    url, item = material
    whole = _get(client, url)
    assert whole.status_code == 200 and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["ETag"] == f'"{item.sha256}"' and whole.headers["Last-Modified"]

    part = _get(client, url, Range="bytes=100-1099")
    assert part.status_code == 206 and part.data == CONTENT[100:1100]
    assert part.headers["Content-Range"] == f"bytes 100-1099/{SIZE}"
    assert part.headers["Content-Length"] == "1000"
    assert part.headers["ETag"] == whole.headers["ETag"]
    assert part.headers["Last-Modified"] == whole.headers["Last-Modified"]
    assert part.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"

    tail = _get(client, url, Range="bytes=-10")  # the last ten bytes
    assert tail.status_code == 206 and tail.data == CONTENT[-10:]
    assert tail.headers["Content-Range"] == f"bytes {SIZE - 10}-{SIZE - 1}/{SIZE}"
    rest = _get(client, url, Range=f"bytes={SIZE - 3}-")  # from a byte to the end
    assert rest.status_code == 206 and rest.data == CONTENT[-3:]
    beyond_end = _get(client, url, Range=f"bytes={SIZE - 2}-{SIZE + 500}")  # clipped to the end
    assert beyond_end.status_code == 206 and beyond_end.data == CONTENT[-2:]


def test_an_unsatisfiable_or_malformed_range_gets_416(client, material):
    url, _item = material
    for header in (f"bytes={SIZE}-", f"bytes={SIZE + 10}-{SIZE + 20}", "bytes=50-10", "bytes=abc"):
        refused = _get(client, url, Range=header)
        assert refused.status_code == 416, header
        assert refused.headers["Content-Range"] == f"bytes */{SIZE}"
        assert refused.data == b""


def test_if_range_resumes_only_the_same_file(client, material):
    url, item = material
    same = _get(client, url, Range="bytes=0-9", **{"If-Range": f'"{item.sha256}"'})
    assert same.status_code == 206 and same.data == CONTENT[:10]
    changed = _get(client, url, Range="bytes=0-9", **{"If-Range": '"another-version"'})
    assert changed.status_code == 200 and changed.data == CONTENT  # the whole new file
    unchanged = _get(client, url, **{"If-None-Match": f'"{item.sha256}"'})
    assert unchanged.status_code == 304 and unchanged.data == b""


def test_an_evidence_file_answers_range_requests_too(app, app_storage, client, cm, db, login_as):
    commitment = make_commitment(cm.meeting, cm.committee, first_agency_commitment(cm))
    report = progress.report(commitment, update_data("2024-Q3", realised_value=Decimal("6")), cm.delegate,
                             today=date(2024, 11, 28))
    item = progress.add_evidence(report.update, io.BytesIO(CONTENT), "surat.pdf", cm.delegate)
    db.session.commit()
    login_as("committee")
    part = _get(client, f"/meetings/{cm.meeting.id}/progress/evidence/{item.id}", Range="bytes=5-14")
    assert part.status_code == 206 and part.data == CONTENT[5:15]
    assert part.headers["Content-Range"] == f"bytes 5-14/{SIZE}" and part.headers["ETag"] == f'"{item.sha256}"'


# -- the object store cannot be reached ------------------------------------------------------------

CLOSED_PORT = 5299  # this helper's range; nothing listens there


@pytest.fixture
def unreachable_store(app, tmp_path, monkeypatch):
    """The suite's app with the S3 backend pointed at a closed port."""
    config = {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": f"http://127.0.0.1:{CLOSED_PORT}", "S3_BUCKET": "rakor",
              "S3_ACCESS_KEY_ID": "key", "S3_SECRET_ACCESS_KEY": "secret", "S3_REGION": "us-east-1",
              "UPLOAD_DIR": str(tmp_path / "uploads")}
    for name, value in config.items():
        monkeypatch.setitem(app.config, name, value)
    yield
    app.extensions.pop("rakor.storage", None)


def _unavailable(response):
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0


def test_a_download_while_the_object_store_is_down_answers_503_and_is_logged(
        app, unreachable_store, client, db, login_as, caplog):
    login_as("committee")
    meeting = make_meeting()
    item = Material(meeting_id=meeting.id, stored_name="0" * 32 + ".pdf", original_filename="Paparan.pdf",
                    content_type="application/pdf", size=SIZE, sha256="0" * 64)
    db.session.add(item)
    db.session.commit()
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get(f"/meetings/{meeting.id}/materials/{item.id}")
    _unavailable(response)
    page = response.get_data(as_text=True)
    assert "Penyimpanan berkas" in page and "coba lagi" in page.lower()
    assert any("object store unavailable" in r.getMessage() and "/materials/" in r.getMessage()
               for r in caplog.records)


def test_an_upload_while_the_object_store_is_down_answers_503_and_saves_nothing(
        app, unreachable_store, client, db, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    response = upload(client, meeting, CONTENT, "Paparan.pdf")
    _unavailable(response)
    assert "Penyimpanan berkas" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Material.id)).where(Material.meeting_id == meeting.id)) == 0


def test_the_api_answers_a_problem_503_while_the_object_store_is_down(app, client, cm, db, monkeypatch, tmp_path):
    from rakor.api import tokens
    from rakor.meetings import services as meetings
    from tests.factories.minutes import make_final_minutes

    meetings.change_status(cm.meeting, "held", cm.committee)
    make_final_minutes(cm.meeting, cm.committee)
    secret = tokens.issue(cm.delegate, "Test", "read", None).secret
    db.session.commit()
    for name, value in {"STORAGE_BACKEND": "s3", "S3_ENDPOINT_URL": f"http://127.0.0.1:{CLOSED_PORT}",
                        "S3_BUCKET": "rakor", "S3_ACCESS_KEY_ID": "key", "S3_SECRET_ACCESS_KEY": "secret"}.items():
        monkeypatch.setitem(app.config, name, value)
    try:
        response = client.get(f"/api/v1/meetings/{cm.meeting.id}/minutes.pdf",
                              headers={"Authorization": f"Bearer {secret}"})
    finally:
        app.extensions.pop("rakor.storage", None)
    _unavailable(response)
    assert response.mimetype == "application/problem+json" and response.json["status"] == 503
