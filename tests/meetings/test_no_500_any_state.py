"""No page or action of a meeting answers 500, whatever the meeting's state: in the future, held
in the past, cancelled, or with final minutes; walked as every role, GET and POST (an empty POST
is a form that fails to validate, never a crash)."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from werkzeug.routing import IntegerConverter

from rakor.commitments import services as commitment_services
from rakor.extensions import db
from rakor.meetings.models import Meeting
from rakor.participants import invitations
from rakor.progress import services as progress_services
from rakor.progress.services import UpdateData
from tests.factories import first_agency_commitment as data
from tests.factories import make_agenda_item, make_final_minutes, make_participant, make_user
from tests.helpers import all_rules, client_of

FUTURE = datetime.now(UTC).replace(microsecond=0) + timedelta(days=400)
STATES = ("future", "past", "cancelled", "final")
ROLES = ("admin", "committee", "leadership", "delegate")
NEVER_WALKED = {"documents.document"}  # the generic kind route: its own kinds are walked by name


def _prepare(cm, state):  # noqa: F811
    meeting = cm.meeting
    if state == "future":
        meeting.starts_at, meeting.ends_at = FUTURE, FUTURE + timedelta(hours=7)
    db.session.flush()
    item = make_agenda_item(meeting)
    participant = make_participant(meeting, cm.agencies[0])
    invitation, _token = invitations.create_invitation(
        meeting, cm.agencies[0], by_user=cm.committee, expires_at=datetime.now(UTC) + timedelta(days=30))
    target = {"target_date": None, "budget_year": FUTURE.year} if state == "future" else {}
    commitment = commitment_services.create_commitment(meeting, data(cm, **target), cm.committee,
                                                       status="agreed", confirm_direction=True)
    update_id = None
    if state != "future":
        update = progress_services.report(commitment, UpdateData(period="2024-Q1", status="on_track",
                                                                 realised_value=Decimal("6.1")),
                                          cm.committee, today=datetime(2024, 5, 1).date()).update
        update_id = update.id
    if state in ("past", "final", "cancelled"):
        meeting.status = "held" if state != "cancelled" else "cancelled"
    if state == "final":
        make_final_minutes(meeting, make_user("committee"))
    db.session.commit()
    return {"meeting_id": meeting.id, "item_id": item.id, "participant_id": participant.id,
            "invitation_id": invitation.id, "commitment_id": commitment.id, "agency_id": cm.agencies[0].id,
            "update_id": update_id or 1, "material_id": 1, "evidence_id": 1, "version": 1,
            "fmt": "xlsx", "kind": "attendance", "action": "agree", "change_id": 1,
            "report_id": 1}


def _urls(app, values):
    with app.test_request_context():
        for rule in all_rules(app):
            if "meeting_id" not in rule.arguments or rule.endpoint in NEVER_WALKED:
                continue
            args = {a: values[a] if isinstance(rule._converters[a], IntegerConverter) or a in values else "x"
                    for a in rule.arguments}
            url = rule.build(args, append_unknown=False)[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


@pytest.mark.parametrize("state", STATES)
def test_no_meeting_page_or_action_answers_500(app, cm, state):  # noqa: F811
    values = _prepare(cm, state)
    users = {"admin": make_user("admin"), "committee": cm.committee, "leadership": cm.leadership,
             "delegate": cm.delegate}
    db.session.commit()
    problems = []
    for role in ROLES:
        client = client_of(app, users[role])
        for method, url in _urls(app, values):
            response = client.open(url, method=method, data={})
            if response.status_code >= 500:
                problems.append(f"{state} {role} {method} {url}: {response.status_code}")
    assert db.session.get(Meeting, values["meeting_id"]) is not None
    assert problems == []


def test_future_meeting_says_from_when_reports_can_be_filed(app, cm, login_as):  # noqa: F811
    """Finding 1: 'Report progress' on a meeting in a later quarter gave a 500 (IndexError)."""
    meeting = cm.meeting
    meeting.starts_at = datetime(FUTURE.year + 1, 2, 3, 1, 0, tzinfo=UTC)
    meeting.ends_at = meeting.starts_at + timedelta(hours=7)
    commitment = commitment_services.create_commitment(
        meeting, data(cm, target_date=None, budget_year=FUTURE.year + 1), cm.committee, status="agreed",
        confirm_direction=True)
    db.session.commit()
    client = client_of(app, cm.delegate)
    opens = f"Laporan dapat diisi mulai Triwulan I {FUTURE.year + 1}"
    timeline = client.get(f"/meetings/{meeting.id}/commitments/{commitment.id}/progress")
    assert timeline.status_code == 200
    page = timeline.get_data(as_text=True)
    assert opens in page and 'id="new-update"' not in page
    progress = client.get(f"/meetings/{meeting.id}/progress").get_data(as_text=True)
    assert opens in progress and 'id="report-quarter"' not in progress
    for url in (f"/meetings/{meeting.id}/commitments/{commitment.id}/progress/new",
                f"/meetings/{meeting.id}/progress/report"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert opens in response.get_data(as_text=True)
