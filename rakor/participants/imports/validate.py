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
from rakor.participants.services import CleanResult, ParticipantData, clean_participant
from rakor.regions.models import Agency, Region

EXCEL_NIP_MESSAGE = _l("This NIP was stored as a number, so Excel changed its last digits. Format "
                       "the NIP column as Text and type the NIP again.")


@dataclass
class ParticipantRow(RowResult):
    agency: Agency | None = None
    over_quota: bool = False  # a delegate beyond the agency's seats
    # A probable duplicate (the same name in the same agency as an earlier line or a registered
    # participant, not told apart by a NIP or e-mail): what it duplicates, and whether the
    # committee ticked "Tetap impor". Unticked, the row is left out (`skipped`).
    duplicate: object = None
    keep: bool = False

    @property
    def skipped(self):
        return self.duplicate is not None and not self.keep


def only_over_quota(report: ImportReport) -> bool:
    """Every refused row is refused only for being beyond its agency's quota: the committee may
    import the file with one override and a reason."""
    refused = report.error_rows
    return (not report.file_errors and bool(refused)
            and all(r.over_quota and set(r.errors) == {"agency"} for r in refused))


def load_directory() -> Directory:
    """Every agency (its region joined-loaded) and region: two queries."""
    return Directory(db.session.scalars(select(Agency)).all(), db.session.scalars(select(Region)).all())


_EXCEL_TEXT = re.compile(r'=?"(.*)"')


def _clean_nip_text(text):
    """Spreadsheet habits around NIPs: a leading apostrophe (typed to force text), Excel's
    ="…" trick in CSV files."""
    text = (text or "").strip()
    m = _EXCEL_TEXT.fullmatch(text)
    if m:
        text = m.group(1)
    return text.lstrip("'").strip()


class _Taken:
    """What the meeting already holds and what earlier lines of the file claimed."""

    def __init__(self, meeting: Meeting, within=None):
        # The agencies a scoped committee may register people for (tenancy's
        # `invitable_agencies`, as the participant form offers them), None: every agency.
        self.invited = None if within is None else set(db.session.scalars(within))
        existing = db.session.execute(
            select(Participant.nip, Participant.email, Participant.agency_id, Participant.name)
            .where(Participant.meeting_id == meeting.id, Participant.status == "registered")
        ).all()
        self.nips = {r.nip for r in existing if r.nip}
        self.emails = {r.email for r in existing if r.email}
        self.names = {}  # (agency id, normalised name) -> [(name, nip, email)] of those registered
        for r in existing:
            self.names.setdefault(name_key(r.agency_id, r.name), []).append((r.name, r.nip, r.email))
        self.quotas = dict(db.session.execute(
            select(SeatQuota.agency_id, SeatQuota.seats).where(SeatQuota.meeting_id == meeting.id)).all())
        self.seats = Counter(dict(db.session.execute(
            select(Participant.agency_id, func.count(Participant.id))
            .where(Participant.meeting_id == meeting.id, Participant.status == "registered",
                   Participant.meeting_role.in_(SEAT_ROLES))
            .group_by(Participant.agency_id)).all()))
        self.file_nips, self.file_emails, self.file_names = {}, {}, {}


def name_key(agency_id, name):
    """Two rows name the same person of an agency when their names match after `norm_name`
    ('Drs. H. Said Akhmad' = 'drs h said akhmad')."""
    return agency_id, tabular.norm_name(name)


def validate(meeting: Meeting, table: Table, filename=None, override_reason=None, keep_lines=(),
             within=None) -> ImportReport:
    """`override_reason`: the committee's reason to import delegates beyond their agency's quota;
    with it, those rows are warnings, not errors. `keep_lines`: the lines of probable duplicates
    the committee ticked to import anyway; other probable duplicates are left out. `within`:
    SQL of the agency ids the importing account may name (tenancy's `invitable_agencies`);
    None: every agency."""
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
    taken = _Taken(meeting, within)
    for row in tabular.data_rows(report, table, ParticipantRow):
        _validate_row(row, directory, taken, override_reason, frozenset(keep_lines or ()))
    return report


def _validate_row(row: ParticipantRow, directory: Directory, taken: _Taken, override_reason=None, keep_lines=frozenset()):
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
    result = _cleaned(raw, agency.id if agency else None)
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
    if _probable_duplicate(row, data, taken, keep_lines):
        return  # left out: no seat, no NIP or e-mail claimed
    _check_duplicates(row, data, taken)
    if _check_invited(row, data, agency, taken) and data.meeting_role in SEAT_ROLES:
        _check_seat(row, data, agency, taken, override_reason)
    if row.errors:
        row.data = None


RAW_FIELDS = ("name", "nip", "position", "rank", "phone", "email", "gender", "meeting_role")


def _cleaned(raw, agency_id) -> CleanResult:
    """`clean_participant`, or what it answered for the same cells at the preview (the e-mail
    and phone checks are most of a row's time; the confirmation then only checks again what
    the meeting may have changed: duplicates and seats)."""
    key = "participant:" + repr((agency_id, *(raw[name] for name in RAW_FIELDS)))
    known = tabular.recall(key)
    if known is not None:
        return CleanResult(ParticipantData(**known))
    result = clean_participant(raw, agency_id)
    if result.data is not None:
        tabular.remember(key, dict(vars(result.data)))
    return result


def _probable_duplicate(row, data, taken: _Taken, keep_lines) -> bool:
    """Whether the row is left out as a probable duplicate: the same name in the same agency as
    a registered participant or an earlier line, and no NIP or e-mail on both that differs (a
    row copied twice, a person registered already). Unless ticked ("Tetap impor"), it is not
    imported; the rest of the file is. Namesakes told apart are both imported, with a warning."""
    key = name_key(data.agency_id, data.name)
    mine = (data.nip, data.email)
    registered = [r for r in taken.names.get(key, ()) if not told_apart((r[1], r[2]), mine)]
    earlier = taken.file_names.get(key)
    if registered:
        row.duplicate = _l("Probably %(name)s, already registered for this agency.", name=registered[0][0])
    elif earlier is not None and not told_apart(earlier[1:], mine):
        row.duplicate = _l("Probably the same person as line %(line)d (same name and agency).", line=earlier[0])
    elif key in taken.names:
        row.warnings.append(("name", _l("%(name)s is already registered for this agency; check this "
                                        "is not a double entry.", name=data.name)))
    elif earlier is not None:
        # Two namesakes in one delegation, each with their own NIP or email: both come.
        row.warnings.append(("name", _l("The same name and agency are already on line %(line)d.",
                                        line=earlier[0])))
    if row.duplicate is None:
        taken.file_names.setdefault(key, (row.line, data.nip, data.email))
        return False
    row.keep = row.line in keep_lines
    if row.keep:
        row.warnings.append(("name", _l("%(reason)s Imported anyway (ticked).", reason=row.duplicate)))
        taken.file_names.setdefault(key, (row.line, data.nip, data.email))
        return False
    row.warnings.append(("name", _l("%(reason)s Left out unless ticked.", reason=row.duplicate)))
    return True


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


def _check_invited(row, data, agency, taken: _Taken) -> bool:
    """The agency is one the organizer invites, or already has seats (as the quota page rules)."""
    if taken.invited is None or data.agency_id in taken.invited or data.agency_id in taken.quotas:
        return True
    row.errors["agency"] = _l("%(agency)s is not among the agencies this meeting's organizer invites.",
                              agency=agency.name)
    return False


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
