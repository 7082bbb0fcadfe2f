"""A full upload disk gives a clear page and leaves nothing half-written (bench/faults.py, disk)."""
import errno
import io

from sqlalchemy import func, select

from rakor.meetings import materials
from rakor.meetings.models import Material
from tests.factories import make_meeting
from tests.helpers import PDF, stored_files, upload


def test_upload_on_a_full_disk_is_a_clear_page_and_stores_nothing(app, client, db, login_as, monkeypatch):
    login_as("committee")
    meeting = make_meeting()
    real_open = open

    def open_on_full_disk(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        if "w" not in mode:
            return handle

        class Full(io.BufferedWriter):
            def write(self, data):
                raise OSError(errno.ENOSPC, "No space left on device")

        handle.close()
        return Full(real_open(path, "wb", buffering=0))

    before = stored_files(app)  # other tests of the session may have stored files already
    monkeypatch.setattr(materials, "open", open_on_full_disk, raising=False)
    response = upload(client, meeting, PDF * 100, "paparan.pdf")
    assert response.status_code == 507
    page = response.get_data(as_text=True)
    assert "Traceback" not in page
    assert "Penyimpanan penuh" in page and "tidak punya ruang lagi" in page
    assert db.session.scalar(select(func.count(Material.id))) == 0
    assert stored_files(app) == before  # the temporary file is gone too
