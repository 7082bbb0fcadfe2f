"""Checking a participant list against the meeting: every row's agency, every field cleaned by
`services.clean_participant`, duplicates and seat quotas for the whole file at once. Agencies,
regions, existing NIPs/emails and seat counts are loaded once: no query per row."""
import re
from collections import Counter
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from rakor.core import tabular
from rakor.core.tabular import Directory, ImportReport, RowResult, Table
from rakor.extensions import db
from rakor.meetings.lifecycle import closed_reason
from rakor.meetings.models import Meeting
from rakor.participants.imports.columns import SPEC
from rakor.participants.models import Participant, SeatQuota
from rakor.participants.normalize import told_apart
from rakor.participants.quotas import SEAT_ROLES
from rakor.participants.services import clean_participant
from rakor.regions.models import Agency, Region

EXCEL_NIP_MESSAGE = _l("This NIP was stored as a number, so Excel changed its last digits. Format "
                       "the NIP column as Text and type the NIP again.")


@dataclass
class ParticipantRow(RowResult):
    agency: Agency | None = None
    over_quota: bool = False  # a delegate beyond the agency's seats


def only_over_quota(report: ImportReport) -> bool:
    """Every refused row is refused only for being beyond its agency's quota: the committee may
    import the file with one override and a reason."""
    refused = report.error_rows
    return (not report.file_errors and bool(refused)
            and all(r.over_quota and set(r.errors) == {"agency"} for r in refused))


def load_directory() -> Directory:
    """Every agency (its region joined-loaded) and region: two queries."""
    return Directory(db.session.scalars(select(Agency)).all(), db.session.scalars(select(Region)).all())


def _clean_nip_text(text):
    """Spreadsheet habits around NIPs: a leading apostrophe (typed to force text), Excel's
    ="…" trick in CSV files."""
    text = (text or "").strip()
    m = re.fullmatch(r'=?"(.*)"', text)
    if m:
        text = m.group(1)
    return text.lstrip("'").strip()


class _Taken:
    """What the meeting already holds and what earlier lines of the file claimed."""

    def __init__(self, meeting: Meeting):
        existing = db.session.execute(
            select(Participant.nip, Participant.email, Participant.agency_id, Participant.name)
            .where(Participant.meeting_id == meeting.id, Participant.status == "registered")
        ).all()
        self.nips = {r.nip for r in existing if r.nip}
        self.emails = {r.email for r in existing if r.email}
        self.names = {(r.agency_id, r.name.lower()) for r in existing}
        self.quotas = dict(db.session.execute(
            select(SeatQuota.agency_id, SeatQuota.seats).where(SeatQuota.meeting_id == meeting.id)).all())
        self.seats = Counter(dict(db.session.execute(
            select(Participant.agency_id, func.count(Participant.id))
            .where(Participant.meeting_id == meeting.id, Participant.status == "registered",
                   Participant.meeting_role.in_(SEAT_ROLES))
            .group_by(Participant.agency_id)).all()))
        self.file_nips, self.file_emails, self.file_names = {}, {}, {}


def validate(meeting: Meeting, table: Table, filename=None, override_reason=None) -> ImportReport:
    """`override_reason`: the committee's reason to import delegates beyond their agency's quota;
    with it, those rows are warnings, not errors."""
    report = tabular.new_report(SPEC, table, filename=filename, meeting_id=meeting.id)
    mapping = report.positions
    if "agency" not in mapping and "region_code" not in mapping and "region_name" not in mapping:
        report.file_errors.append(_l("The file needs an agency column (Instansi) or a region column "
                                     "(Kode Wilayah or Kabupaten/Kota)."))
    problem = closed_reason(meeting, "registration")
    if problem:
        report.file_errors.append(problem)
    if report.file_errors:
        return report

    directory = load_directory()
    taken = _Taken(meeting)
    for row in tabular.data_rows(report, table, ParticipantRow):
        _validate_row(row, directory, taken, override_reason)
    return report


def _validate_row(row: ParticipantRow, directory: Directory, taken: _Taken, override_reason=None):
    values = row.values
    region_text = values.get("region_code") or values.get("region_name") or ""
    values["region"] = region_text
    agency, agency_field, agency_error, agency_warning = directory.find_agency(values.get("agency", ""), region_text)
    if agency_error:
        row.errors[agency_field] = agency_error
    if agency_warning:
        row.warnings.append(("agency", agency_warning))
    row.agency = agency
    raw = {
        "name": values.get("name"), "nip": _clean_nip_text(values.get("nip")),
        "position": values.get("position"), "rank": values.get("rank"), "phone": values.get("phone"),
        "email": values.get("email"),
        "gender": values.get("gender"), "meeting_role": values.get("meeting_role"),
    }
    result = clean_participant(raw, agency.id if agency else None)
    for fieldname, message in result.errors.items():
        if fieldname == "agency_id":
            continue  # the agency's own message is already there
        row.errors.setdefault(fieldname, message)
    if "nip" in row.inexact:
        # Excel keeps 15 digits of a number: an 18-digit NIP typed as a number is wrong.
        row.errors["nip"] = EXCEL_NIP_MESSAGE
    if result.data is None:
        return
    data = row.data = result.data
    _check_duplicates(row, data, taken)
    if data.meeting_role in SEAT_ROLES:
        _check_seat(row, data, agency, taken, override_reason)
    if row.errors:
        row.data = None


def _check_duplicates(row, data, taken: _Taken):
    line = row.line
    if data.nip:
        if data.nip in taken.nips:
            row.errors["nip"] = _l("A participant with this NIP is already registered for this meeting.")
        elif data.nip in taken.file_nips:
            row.errors["nip"] = _l("The same NIP is already on line %(line)d of this file.",
                                   line=taken.file_nips[data.nip])
        else:
            taken.file_nips[data.nip] = line
    if data.email:
        if data.email in taken.emails:
            row.errors["email"] = _l("A participant with this email is already registered for this meeting.")
        elif data.email in taken.file_emails:
            row.errors["email"] = _l("The same email is already on line %(line)d of this file.",
                                     line=taken.file_emails[data.email])
        else:
            taken.file_emails[data.email] = line
    name_key = (data.agency_id, data.name.lower())
    if name_key in taken.names:
        row.warnings.append(("name", _l("%(name)s is already registered for this agency; check this "
                                        "is not a double entry.", name=data.name)))
    elif name_key in taken.file_names:
        earlier_line, earlier_nip, earlier_email = taken.file_names[name_key]
        if told_apart((earlier_nip, earlier_email), (data.nip, data.email)):
            # Two namesakes in one delegation, each with their own NIP or email: both come.
            row.warnings.append(("name", _l("The same name and agency are already on line %(line)d.",
                                            line=earlier_line)))
        else:
            # A row copied twice (issue 17: one person printed twice as present in the minutes).
            row.errors["name"] = _l("%(name)s of this agency is already on line %(line)d of this file. "
                                    "Remove the double row, or give each person their own NIP or email.",
                                    name=data.name, line=earlier_line)
    taken.file_names.setdefault(name_key, (line, data.nip, data.email))



def _check_seat(row, data, agency, taken: _Taken, override_reason=None):
    if data.agency_id in taken.quotas:
        taken.seats[data.agency_id] += 1
        seats, n = taken.quotas[data.agency_id], taken.seats[data.agency_id]
        if n > seats:
            row.over_quota = True
            if override_reason:
                row.warnings.append(("agency", _l(
                    "Beyond the quota (%(agency)s has %(seats)d seats; delegate number %(n)d): "
                    "imported with the committee's override.", agency=agency.short_name, seats=seats, n=n)))
                return
            row.errors["agency"] = _l(
                "The quota is full: %(agency)s has %(seats)d seats and this would be delegate "
                "number %(n)d.", agency=agency.short_name, seats=seats, n=n)
    else:
        row.warnings.append(("agency", _l("%(agency)s has no seat quota for this meeting.",
                                          agency=agency.short_name)))
