"""Two committee members press "Terbitkan laporan" for the same meeting at the same moment: two
issued reports with two different numbers from the organiser's register, never one number twice.

Runs against PostgreSQL (the meeting and agency row locks); on SQLite it is skipped with a
notice, because SQLite serialises writers itself."""
import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfWriter
from sqlalchemy import delete, select

from rakor.auth.models import User
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.numbering.models import NumberSequence, RegisteredNumber
from rakor.progress import reports
from rakor.progress.models import MonitoringReport
from rakor.regions.models import Agency
from tests.conftest import is_postgres
from tests.factories import make_agency, make_meeting, make_user
from tests.helpers import delete_regions, race

pytestmark = [
    pytest.mark.committing,
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrency test needs PostgreSQL (TEST_DATABASE_URL)"),
]


def one_page_pdf(number, _on):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": f"Laporan Monitoring {number}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def meeting_ready(app):
    organizer = make_agency()
    meeting = make_meeting(organizer=organizer, title="Uji penerbitan laporan",
                           starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC), ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC))
    committee = [make_user("committee"), make_user("committee")]
    reports.save_letter(meeting, reports.LetterData(
        addressee="Gubernur Uji", place="Kota Uji", signer_position="Kepala Bappeda Provinsi Uji",
        signer_name="Penanda Tangan", signer_rank="Pembina (IV/a)", signer_nip="197003121995031004"), committee[0])
    db.session.commit()
    ids = (meeting.id, organizer.id, organizer.region_id, [u.id for u in committee])
    yield ids
    db.session.rollback()
    db.session.execute(delete(RegisteredNumber).where(RegisteredNumber.agency_id == ids[1]))
    db.session.execute(delete(NumberSequence).where(NumberSequence.agency_id == ids[1]))
    db.session.execute(delete(Meeting).where(Meeting.id == ids[0]))  # its letter and reports too
    db.session.execute(delete(User).where(User.id.in_(ids[3])))
    db.session.execute(delete(Agency).where(Agency.id == ids[1]))
    delete_regions([ids[2]])
    db.session.commit()


def test_simultaneous_issues_get_two_numbers(app, meeting_ready):
    meeting_id, _agency, _region, users = meeting_ready

    def issue(i, at_once):
        meeting = db.session.get(Meeting, meeting_id)
        user = db.session.get(User, users[i])
        at_once()
        reports.issue(meeting, user, render=one_page_pdf)

    assert race(app, 2, issue, {}, timeout=60) == ["ok", "ok"]
    numbers = db.session.scalars(select(MonitoringReport.number).where(MonitoringReport.meeting_id == meeting_id)).all()
    registered = db.session.scalars(select(RegisteredNumber.number).where(RegisteredNumber.meeting_id == meeting_id)).all()
    assert len(set(numbers)) == 2 and sorted(numbers) == sorted(registered)
