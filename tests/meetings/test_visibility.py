"""Who sees a meeting: the Python rule "meeting.view" and its SQL form (visible_condition) agree
on every case, and a revoked or expired invitation alone grants nothing (issue 8, defect 6)."""
import secrets
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.meetings import queries
from rakor.meetings.rules import live_invitation
from rakor.participants.invitations import hash_token, invitation_status
from rakor.participants.models import Invitation
from rakor.policy import can
from tests.factories import make_agency, make_meeting, make_participant, make_quota, make_user


def make_invitation(meeting, agency, *, revoked=False, expired=False):
    now = utcnow()
    invitation = Invitation(
        meeting_id=meeting.id, agency_id=agency.id, token_hash=hash_token(secrets.token_urlsafe(32)),
        expires_at=now - timedelta(days=1) if expired else now + timedelta(days=30),
        revoked_at=now - timedelta(hours=1) if revoked else None, created_at=now - timedelta(days=2))
    _db.session.add(invitation)
    _db.session.flush()
    return invitation


# case -> (how the agency is tied to the meeting, whether its delegate sees it)
CASES = {
    "quota": (lambda m, a: make_quota(m, a), True),
    "live invitation": (lambda m, a: make_invitation(m, a), True),
    "quota and revoked invitation": (lambda m, a: (make_quota(m, a), make_invitation(m, a, revoked=True)),
                                     True),
    "revoked invitation": (lambda m, a: make_invitation(m, a, revoked=True), False),
    "expired invitation": (lambda m, a: make_invitation(m, a, expired=True), False),
    "revoked and expired invitation": (lambda m, a: make_invitation(m, a, revoked=True, expired=True),
                                       False),
    "revoked, then a live one": (lambda m, a: (make_invitation(m, a, revoked=True),
                                               make_invitation(m, a)), True),
    "participants only": (lambda m, a: make_participant(m, a), False),
    "nothing": (lambda m, a: None, False),
    "another agency's quota": (lambda m, a: make_quota(m, m.organizer), False),
}


def test_python_rule_and_sql_form_agree_on_every_case(db):
    agency, organizer = make_agency(), make_agency()
    delegate = make_user("delegate", agency=agency)
    meetings = {}
    for case, (tie, _expected) in CASES.items():
        for status in ("scheduled", "draft", "held", "cancelled", "minutes_final"):
            meeting = make_meeting(status=status, title=f"{case} / {status}", organizer=organizer)
            tie(meeting, agency)
            meetings[(case, status)] = meeting
    listed = set(db.session.scalars(select(queries.visible_meetings(delegate).subquery().c.id)))
    for (case, status), meeting in meetings.items():
        expected = CASES[case][1] and status != "draft"
        assert can(delegate, "meeting.view", meeting) is expected, (case, status)
        assert (meeting.id in listed) is expected, (case, status)
    for role in ("committee", "leadership", "admin"):
        user = make_user(role)
        every = set(db.session.scalars(select(queries.visible_meetings(user).subquery().c.id)))
        for meeting in meetings.values():
            assert can(user, "meeting.view", meeting) and meeting.id in every


def test_a_delegate_without_agency_sees_nothing(db):
    meeting = make_meeting()
    make_quota(meeting, make_agency())
    # The database refuses such an account; the rules must not depend on that.
    delegate = SimpleNamespace(role="delegate", agency_id=None, is_authenticated=True)
    assert not can(delegate, "meeting.view", meeting)
    assert db.session.scalars(queries.visible_meetings(delegate)).all() == []


@pytest.mark.parametrize("revoked,expired", [(False, False), (True, False), (False, True), (True, True)])
def test_live_invitation_is_what_the_link_itself_accepts(db, revoked, expired):
    """The SQL 'live' is participants.invitations' 'active': one definition of a working link."""
    invitation = make_invitation(make_meeting(), make_agency(), revoked=revoked, expired=expired)
    now = utcnow()
    live = db.session.scalar(select(Invitation.id).where(Invitation.id == invitation.id,
                                                         live_invitation(now))) is not None
    assert live is (invitation_status(invitation, now) == "active")


def test_delegate_of_an_agency_whose_link_was_revoked_gets_nothing(client, db, login_as):
    """Issue 8, defect 6: a revoked link (no quota, no participants) used to keep the meeting
    visible, with its .ics and attendance sheet."""
    agency = make_agency()
    meeting = make_meeting(title="Rapat Tautan Dicabut")
    make_quota(meeting, make_agency())
    make_invitation(meeting, agency, revoked=True)
    login_as("delegate", agency=agency)
    for url in (f"/meetings/{meeting.id}", f"/meetings/{meeting.id}/calendar.ics",
                f"/meetings/{meeting.id}/documents/attendance.pdf",
                f"/meetings/{meeting.id}/documents/attendance.html",
                f"/meetings/{meeting.id}/participants"):
        assert client.get(url).status_code in (403, 404), url
    for url in ("/meetings/?scope=all", "/meetings/calendar?month=2024-02", "/"):
        assert "Rapat Tautan Dicabut" not in client.get(url).get_data(as_text=True), url


def test_delegate_of_an_agency_whose_link_expired_gets_nothing(client, db, login_as):
    agency = make_agency()
    meeting = make_meeting(title="Rapat Tautan Kedaluwarsa")
    make_invitation(meeting, agency, expired=True)
    login_as("delegate", agency=agency)
    assert client.get(f"/meetings/{meeting.id}").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/calendar.ics").status_code == 403
    assert "Rapat Tautan Kedaluwarsa" not in client.get("/meetings/?scope=all").get_data(as_text=True)


def test_the_home_pages_kept_statements_read_the_time_of_each_request(db):
    """The home page's upcoming meetings and latest minutes are statements kept per reader's
    sight (tenancy.Sight) with the time a bind parameter: a delegate whose agency's invitation
    lapses between two requests stops seeing the meeting at the second, from the same statement
    object, as rule meeting.view says."""
    from datetime import UTC, datetime

    from rakor.auth import tenancy
    from rakor.minutes import queries as minutes_queries

    agency = make_agency()
    meeting = make_meeting(starts_at=datetime(2031, 3, 5, 1, 0, tzinfo=UTC), ends_at=datetime(2031, 3, 5, 8, 0, tzinfo=UTC))
    invitation = make_invitation(meeting, agency)
    delegate = make_user("delegate", agency=agency)
    before, after = invitation.expires_at - timedelta(minutes=1), invitation.expires_at + timedelta(minutes=1)
    statement = queries._upcoming_or_recent_statement(tenancy.sight(delegate), 5)

    upcoming, _recent = queries.upcoming_or_recent(delegate, now=before)
    assert [m.id for m in upcoming] == [meeting.id]
    assert queries._upcoming_or_recent_statement(tenancy.sight(delegate), 5) is statement
    upcoming, _recent = queries.upcoming_or_recent(delegate, now=after)
    assert meeting.id not in [m.id for m in upcoming]
    assert minutes_queries.latest_final_minutes(delegate) == []  # runs with the time given too
