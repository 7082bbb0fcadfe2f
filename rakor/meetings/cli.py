"""`flask meetings ...`: create, list and export meetings from scripts.

The command line is administrator-level: whoever runs `flask` on the server reads the database
anyway. To act as one committee account instead (tenancy, issue 22), name it in the environment:
`RAKOR_CLI_AS=panitia.kotabaru@demo.rakor.id flask ...`; then every command that loads a meeting
through `meeting_or_exit` (imports, exports, .ics) refuses, with exit status 3, a meeting of an
organizer that account does not act for, `meetings list` lists its meetings only, and
`meetings create` creates for its own agencies only.
"""
import os
import re
import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from rakor.auth import tenancy
from rakor.auth.services import find_user_by_email
from rakor.core.formatting import local_date
from rakor.core.urls import MAX_ID
from rakor.extensions import db
from rakor.meetings import queries
from rakor.meetings.models import Meeting
from rakor.meetings.rules import visible_condition
from rakor.policy import ADMIN, COMMITTEE
from rakor.regions.models import Agency, Region
from rakor.regions.services import provincial_planning_agencies

meetings_cli = AppGroup("meetings", help="Meetings: create, list, export to iCalendar.")

REGION_CODE_RE = re.compile(r"^\d{2}(\.\d{2})?$")
CLI_AS_ENV = "RAKOR_CLI_AS"


def fail(message, code=1):
    click.echo(message, err=True)
    sys.exit(code)


def meeting_or_exit(meeting_id, *options):
    """The meeting `meeting_id`, or an error on stderr and exit code 2 (a usage error, as
    click's own). Every `flask ... MEETING_ID` command loads its meeting through this."""
    meeting = queries.get_meeting(meeting_id, *options) if 0 < meeting_id <= MAX_ID else None
    if meeting is None:
        fail(f"Error: there is no meeting {meeting_id}.", code=2)
    user = cli_user()
    if user is not None and user.role != ADMIN and not tenancy.manages(user, meeting):
        fail(f"Error: {user.email} does not organise meeting {meeting_id}.", code=3)
    return meeting


def cli_user():
    """The account `RAKOR_CLI_AS` names (an active committee or admin account), or None: the
    command is administrator-level. An unknown or unfit account exits with status 2."""
    email = os.environ.get(CLI_AS_ENV, "").strip()
    if not email:
        return None
    user = find_user_by_email(email)
    if user is None or not user.active or user.role not in (ADMIN, COMMITTEE):
        fail(f"Error: {CLI_AS_ENV}={email} is not an active committee or administrator account.", code=2)
    return user


def resolve_organizer(value):
    """A Kemendagri region code (63, 63.02) picks that region's planning agency; any other
    number is an agency id; nothing picks the only provincial planning agency.
    Returns (agency, error message)."""
    if value is None:
        agencies = provincial_planning_agencies()
        if len(agencies) == 1:
            return agencies[0], None
        return None, (f"{len(agencies)} provincial planning agencies exist; choose one with "
                      "--organizer AGENCY_ID_OR_REGION_CODE")
    value = value.strip()
    if REGION_CODE_RE.match(value):
        agency = db.session.scalar(
            select(Agency).join(Agency.region)
            .where(Region.kemendagri_code == value, Agency.is_planning_agency.is_(True))
            .order_by(Agency.id).limit(1))
        if agency is not None:
            return agency, None
    if value.isdigit() and int(value) < 2**31:
        agency = db.session.get(Agency, int(value))
        if agency is not None:
            return agency, None
    return None, f"no agency with id or region code {value!r}"


def parse_local_option(name, text):
    from datetime import datetime

    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        fail(f"Error: --{name} must look like \"2024-02-01 08:30\", not {text!r}")


@meetings_cli.command("list")
def list_command():
    """One line per meeting: id, local start date, kind, title, status (tab-separated)."""
    user = cli_user()
    rows = db.session.execute(
        select(Meeting.id, Meeting.starts_at, Meeting.timezone, Meeting.kind, Meeting.title,
               Meeting.status).where(*([visible_condition(user)] if user is not None else []))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    for row in rows:
        title = " ".join(row.title.split())  # no tabs or newlines inside a field
        click.echo(f"{row.id}\t{local_date(row.starts_at, row.timezone).isoformat()}\t{row.kind}\t"
                   f"{title}\t{row.status}")


@meetings_cli.command("ics")
@click.argument("meeting_id", type=int)
def ics_command(meeting_id):
    """Write the meeting's iCalendar (.ics) to stdout."""
    from rakor.meetings.ics import meeting_calendar

    meeting = meeting_or_exit(meeting_id)
    click.echo(meeting_calendar(meeting, queries.agenda_of(meeting.id),
                                sequence=queries.calendar_sequence(meeting)), nl=False)
