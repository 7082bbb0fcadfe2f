"""`flask` commands. Names are relied upon by the README, scripts and later features."""
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import AppGroup

from rakor.auth import tenancy
from rakor.core.errors import DomainError
from rakor.core.formatting import DEFAULT_TZ, is_valid_timezone
from rakor.extensions import db
from rakor.meetings.cli import cli_user, fail, meetings_cli, parse_local_option, resolve_organizer
from rakor.meetings.models import MEETING_KINDS
from rakor.meetings.services import MeetingData, create_meeting
from rakor.participants.quotas import set_seats_for_province

users_cli = AppGroup("users", help="User accounts.")
regions_cli = AppGroup("regions", help="Regions and planning agencies.")
demo_cli = AppGroup("demo", help="Demo data.")


def _fail(message, code=1):
    click.echo(message, err=True)
    sys.exit(code)


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", default="Administrator", show_default=True)
def create_admin(email, name):
    """Create an administrator. Asks for the password (or reads the first line of stdin)."""
    from rakor.auth.services import create_user
    from rakor.core.errors import DomainError

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    try:
        user = create_user(email=email, name=name, role="admin", password=password)
    except DomainError as e:
        db.session.rollback()
        _fail(f"Error: {e.message}")
    db.session.commit()
    click.echo(f"Administrator {user.email} created (id {user.id}).")


@regions_cli.command("load")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--with-agencies/--without-agencies", default=True, show_default=True,
              help="Create a planning agency for every region that has none.")
def load_regions_command(path, with_agencies):
    """Load regions from a CSV file (format in rakor/data/regions/README.md). Idempotent."""
    from rakor.regions.services import (
        RegionFileError,
        ensure_planning_agencies,
        load_regions,
        read_region_csv,
    )

    try:
        from rakor.regions.programmes import load_shipped_programmes

        rows = read_region_csv(path.read_bytes())
        report = load_regions(rows)
        programmes = load_shipped_programmes()
        agencies = 0
        if with_agencies:
            for code in sorted({row["kemendagri_code"].split(".")[0] for _n, row in rows}):
                agencies += ensure_planning_agencies(code)
    except (RegionFileError, UnicodeDecodeError) as e:
        db.session.rollback()
        errors = getattr(e, "errors", None) or [f"the file is not UTF-8 text ({e})"]
        _fail("Nothing was loaded:\n  " + "\n  ".join(errors))
    db.session.commit()
    click.echo(f"Regions: {report.created} created, {report.updated} updated, "
               f"{report.unchanged} unchanged; planning agencies created: {agencies}; "
               f"programme codes: {programmes.created} created, {programmes.updated} updated.")


BASE_URL_HELP = ("Where the app is served (e.g. https://rakor.example.go.id), instead of the BASE_URL setting: "
                 "the verification links printed on the demo's final documents and the seed meeting's "
                 "address start with it.")


@contextmanager
def _served_at(base_url=None):
    """For the command's duration, BASE_URL is `base_url` (when given) and a request context on it
    stands ready, so that every address the demo builds (rakor.core.urls.external_url, the
    verification URL frozen into the final PDFs) points where the app is served."""
    from flask import current_app

    previous = current_app.config["BASE_URL"]
    if base_url:
        current_app.config["BASE_URL"] = base_url.rstrip("/")
    try:
        with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"].rstrip("/") + "/"):
            yield
    finally:
        current_app.config["BASE_URL"] = previous


@demo_cli.command("load")
@click.option("--base-url", default=None, help=BASE_URL_HELP)
def demo_load(base_url):
    """Load the demo data (idempotent). Prints the seed meeting's id when there is one."""
    from rakor import demo

    with _served_at(base_url):
        result = demo.load()
    db.session.commit()
    if result.meeting_id is not None:
        click.echo(result.meeting_id)
    else:
        click.echo("Demo data loaded.")


@demo_cli.command("load-if-empty")
def demo_load_if_empty():
    """Load the demo only into an empty database (used by `make run`), then print logins and
    the seed meeting's address on BASE_URL (the page to open first)."""
    from rakor import demo

    if demo.database_is_empty():
        with _served_at():
            demo.load()
        db.session.commit()
        click.echo("Demo data loaded.")
    demo.print_logins(click.echo)
    url = demo.seed_meeting_url()
    if url:
        click.echo(f"Seed meeting: {url}")


@demo_cli.command("reset")
@click.option("--yes", is_flag=True, help="Required in production: really drop the demo rows there.")
@click.option("--base-url", default=None, help=BASE_URL_HELP)
def demo_reset(yes, base_url):
    """Drop every demo row (users, meetings, participants, commitments marked is_demo) and load
    the demo again; other rows stay. Prints the seed meeting's id."""
    from flask import current_app

    from rakor import demo

    if current_app.config.get("ENV_NAME") == "production" and not yes:
        _fail("Refused: this is a production database. Run `flask demo reset --yes` if you "
              "really want to drop the demo rows there.")
    with _served_at(base_url):
        result = demo.reset()
    db.session.commit()
    click.echo("Demo data reset.")
    if result.meeting_id is not None:
        click.echo(result.meeting_id)


# `flask meetings create` composes two features (a meeting and, with --quota-per-agency, its
# seats), so it lives here, where the composition root may import both.
@meetings_cli.command("create")
@click.option("--title", required=True)
@click.option("--start", "start", required=True, help='local time "YYYY-MM-DD HH:MM"')
@click.option("--end", "end", required=True, help='local time "YYYY-MM-DD HH:MM"')
@click.option("--venue", required=True)
@click.option("--kind", type=click.Choice(MEETING_KINDS), default="rakor", show_default=True)
@click.option("--tz", "tz", default=DEFAULT_TZ, show_default=True, help="IANA time zone of the times")
@click.option("--city", default=None)
@click.option("--organizer", default=None,
              help="agency id, or Kemendagri region code of its planning agency (63, 63.02); "
                   "default: the only provincial planning agency")
@click.option("--quota-per-agency", "quota", type=int, default=None,
              help="seats for every regency/city planning agency of the organizer's province")
@click.option("--draft", is_flag=True, help="leave the meeting as a draft (default: scheduled)")
@click.option("--chair-name", default=None)
@click.option("--chair-position", default=None, help="jabatan")
@click.option("--chair-nip", default=None, help="18 digits")
@click.option("--chair-rank", default=None, help='pangkat/golongan, e.g. "Pembina (IV/a)" or "IV/a"')
@click.option("--minute-taker-name", default=None)
@click.option("--minute-taker-position", default=None, help="jabatan")
@click.option("--minute-taker-nip", default=None, help="18 digits")
@click.option("--minute-taker-rank", default=None, help='pangkat/golongan, e.g. "III/a"')
@click.option("--signing-place", default=None,
              help="town of the documents' place-and-date line; default: the organizer's town")
def create_command(title, start, end, venue, kind, tz, city, organizer, quota, draft, **officers):
    """Create a meeting (scheduled unless --draft); prints its id only. The chair and the
    minute-taker sign the minutes (finalising needs their position and NIP)."""
    if not is_valid_timezone(tz):
        fail(f"Error: unknown time zone {tz!r} (e.g. Asia/Makassar, Asia/Jakarta, Asia/Jayapura)")
    agency, error = resolve_organizer(organizer)
    if agency is None:
        fail(f"Error: {error}")
    data = MeetingData(title=title, starts_at=parse_local_option("start", start),
                       ends_at=parse_local_option("end", end), venue=venue, city=city, kind=kind,
                       timezone=tz, organizer_agency_id=agency.id, **officers)
    try:
        # RAKOR_CLI_AS names the committee account it creates for (its organizers only).
        user = cli_user()
        meeting = create_meeting(data, user=user, status="draft" if draft else "scheduled")
        if quota is not None:
            # As the committee's province-wide button: the Bappedas its organizer invites.
            set_seats_for_province(meeting, quota, within=None if user is None else
                                   tenancy.invitable_agencies(user, meeting.organizer_agency_id))
    except DomainError as e:
        db.session.rollback()
        fail(f"Error: {e.message}")
    db.session.commit()
    click.echo(meeting.id)



def register_cli(app):
    """The commands that compose features; each feature adds its own group in its init_app."""
    from rakor.storage.cli import storage_cli

    for group in (users_cli, regions_cli, demo_cli, storage_cli):
        app.cli.add_command(group)
