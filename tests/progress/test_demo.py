"""The demo's progress (issue 11, item 11): quarterly updates through 2024 for the seed meeting's
agreed commitments, with a mix of statuses and some overdue; and its monitoring report through
the CLI."""
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from rakor import demo
from rakor.commitments.models import Commitment
from rakor.progress import periods, stats, workdays
from rakor.progress.models import ProgressUpdate


@pytest.mark.demo
def test_the_seed_meeting_reports_every_quarter_of_2024_with_a_mix_of_statuses(db):
    meeting_id = demo.load().meeting_id
    updates = db.session.execute(
        select(ProgressUpdate.period, ProgressUpdate.status).join(Commitment, Commitment.id == ProgressUpdate.commitment_id)
        .where(Commitment.meeting_id == meeting_id, ProgressUpdate.is_current)).all()
    assert {p for p, _s in updates} == {"2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"}
    assert {"on_track", "at_risk", "late", "done"} <= {s for _p, s in updates}
    filters = stats.Filters(meeting_id=meeting_id)
    due = workdays.Calendar().due_quarter(date(2025, 2, 15))  # Q4 2024's deadline has passed
    assert due == periods.quarter(2024, 4)
    assert stats.overdue_total(filters, due) > 0  # some stopped reporting


@pytest.mark.demo
def test_the_cli_renders_the_seed_meetings_monitoring_report(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: date(2025, 2, 15))
    meeting_id = demo.load().meeting_id
    db.session.commit()  # the command runs in its own session
    out = tmp_path / "monitoring.pdf"
    result = app.test_cli_runner().invoke(args=["documents", "render", str(meeting_id), "monitoring", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "LAPORAN MONITORING" in text.upper() and "Kotabaru" in text and "Triwulan IV 2024" in text
