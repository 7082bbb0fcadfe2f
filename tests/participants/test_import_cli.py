"""`flask participants import|export` and `flask documents render`."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rakor.extensions import db
from rakor.participants.models import Participant
from tests.factories import make_meeting
from tests.helpers import agency_of, csv_bytes

pytestmark = pytest.mark.usefixtures("kalsel")
DATA = Path(__file__).parent / "data"


def count(meeting):
    return db.session.scalar(select(func.count(Participant.id)).where(Participant.meeting_id == meeting.id))


def test_import_dry_run_then_import_then_export(app, tmp_path):
    runner = app.test_cli_runner()
    meeting = make_meeting(organizer=agency_of("63"))
    db.session.commit()  # the command's rollback must not take the test's data with it
    path = DATA / "peserta-titik-koma-cp1252.csv"
    result = runner.invoke(args=["participants", "import", str(meeting.id), str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "line     4  warning" in result.output and "4 participants would be imported" in result.output
    assert count(meeting) == 0
    result = runner.invoke(args=["participants", "import", str(meeting.id), str(path)])
    assert result.exit_code == 0, result.output
    assert "4 participants imported" in result.output and count(meeting) == 4
    out = tmp_path / "peserta.xlsx"
    result = runner.invoke(args=["participants", "export", str(meeting.id), "-o", str(out)])
    assert result.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    assert runner.invoke(args=["participants", "export", str(meeting.id), "-o", str(tmp_path / "x.pdf")]).exit_code == 2


def test_a_bad_file_exits_non_zero_and_writes_nothing(app, tmp_path):
    runner = app.test_cli_runner()
    meeting = make_meeting()
    db.session.commit()
    path = tmp_path / "salah.csv"
    path.write_bytes(csv_bytes([["Nama", "NIP", "Kode"], ["Baik", "", "63.02"], ["Salah", "123", "63.02"]]))
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(args=["participants", "import", str(meeting.id), str(path), *extra])
        assert result.exit_code == 1, result.output
        assert "line     3  ERROR" in result.output and "NIP:" in result.output
    assert count(meeting) == 0
    assert runner.invoke(args=["participants", "import", "999999", str(path)]).exit_code == 2


def test_documents_render_attendance(app, tmp_path):
    runner = app.test_cli_runner()
    meeting = make_meeting(organizer=agency_of("63"))
    out = tmp_path / "hadir.pdf"
    result = runner.invoke(args=["documents", "render", str(meeting.id), "attendance", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    result = runner.invoke(args=["documents", "render", str(meeting.id), "no-such-kind", "-o", str(out)])
    assert result.exit_code == 2 and "attendance" in result.output
