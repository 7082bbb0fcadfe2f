"""What a laporan monitoring covers: its `Scope`.

- One meeting (`Scope.of_meeting`): the official report, with the meeting's letter elements,
  issued and numbered per meeting (progress/reports.py).
- The dashboard's filters (`dashboard_scope`): with no meeting chosen, the agreed commitments of
  every meeting held in a year that the reader sees (tenancy, issue 22) within the region (by
  default the reader's province) and topic, optionally as of a period; with a meeting chosen and a region, topic or period, that part of
  the meeting. Always a draft (no number) under the kop of the reader's planning agency: issuing
  stays per meeting, because a number, its register entry and the stored PDF belong to one
  meeting's letter (monitoring_letter, monitoring_report are keyed by meeting) and a year's
  report has no letter of its own to fill in and issue.

progress/documents.py builds both from the same code path; the scope says only which
commitments, under which title, kop and letter.
"""
from dataclasses import dataclass

from flask import abort
from sqlalchemy import select

from rakor.core.downloads import meeting_filename, slugify
from rakor.core.formatting import DEFAULT_TZ
from rakor.extensions import db
from rakor.meetings.models import Meeting, Topic
from rakor.progress import periods, queries, reports, stats
from rakor.regions.letterhead import KIND_WORDS
from rakor.regions.models import Agency, Region

NATIONAL = "Seluruh Wilayah"


def region_title(region) -> str:
    """'Provinsi Kalimantan Selatan', 'Kabupaten Kotabaru': the region with its kind, once."""
    word = KIND_WORDS.get(region.kind, "")
    if not word or region.name.lower().startswith(word.lower() + " "):
        return region.name
    return f"{word} {region.name}"


@dataclass
class Scope:
    filters: stats.Filters  # meeting_id set for a meeting's report, year for a year's
    organizer: Agency  # whose kop and signing officer
    meeting: Meeting | None = None
    region: Region | None = None  # the region filter (a province or a regency); None: every region
    topic: str | None = None  # the topic filter's name

    @classmethod
    def of_meeting(cls, meeting):
        return cls(stats.Filters(meeting_id=meeting.id), db.session.get(Agency, meeting.organizer_agency_id), meeting)

    @property
    def official(self) -> bool:
        """The meeting's whole report: the one that is issued and numbered."""
        return self.meeting is not None and self.filters == stats.Filters(meeting_id=self.meeting.id)

    @property
    def across_meetings(self) -> bool:
        return self.meeting is None

    @property
    def timezone(self):
        return self.meeting.timezone if self.meeting else DEFAULT_TZ

    @property
    def area(self) -> str:
        return region_title(self.region) if self.region else NATIONAL

    @property
    def heading(self) -> str:
        if self.across_meetings:
            return f"LAPORAN MONITORING RENCANA AKSI TAHUN {self.filters.year}"
        return "LAPORAN MONITORING KESEPAKATAN"

    @property
    def subtitle(self) -> str:
        return self.area if self.across_meetings else self.meeting.title

    @property
    def title(self) -> str:
        """'Laporan Monitoring Rencana Aksi Tahun 2024 — Provinsi Kalimantan Selatan'."""
        if self.across_meetings:
            return f"Laporan Monitoring Rencana Aksi Tahun {self.filters.year} — {self.area}"
        return f"Laporan Monitoring – {self.meeting.title}"

    @property
    def short_title(self) -> str:
        """What the running head names after 'Laporan Monitoring'."""
        if self.across_meetings:
            return f"Tahun {self.filters.year} · {self.area}"
        return self.meeting.title

    @property
    def subject(self) -> str:
        """What the closing says the report is about ('... pelaksanaan kesepakatan <subject> ...')."""
        if self.across_meetings:
            return f"rencana aksi tahun {self.filters.year} {self.area}"
        return self.meeting.title

    def narrowed_by(self) -> list[tuple[str, str]]:
        """[(label, value)] of the filters beyond the meeting or the year, for the report's head."""
        lines = []
        if self.across_meetings or self.region:
            lines.append(("Wilayah", self.area))
        if self.topic:
            lines.append(("Topik", self.topic))
        if self.filters.period:
            lines.append(("Periode laporan", periods.parse_period(self.filters.period).label_id()))
        return lines

    def letter_data(self) -> reports.LetterData:
        if self.meeting is not None:
            return reports.letter_data(self.meeting, self.organizer)
        return reports.default_letter(None, self.organizer)

    def filename(self, extension) -> str:
        if self.across_meetings:
            return f"laporan-monitoring-{self.filters.year}-{slugify(self.area)}.{extension}"
        if self.official:
            return meeting_filename("laporan-monitoring", self.meeting, extension)
        extra = "-".join(slugify(v, 30) for _label, v in self.narrowed_by())
        return meeting_filename("laporan-monitoring", self.meeting, extension).replace(
            f".{extension}", f"-{extra}.{extension}")


def dashboard_scope(filters: stats.Filters, user, year: int) -> Scope:
    """The scope of the dashboard's report for `filters` as the dashboard read them (its
    default region applied), for `user`; `year` when no meeting is chosen. 404 for an unknown
    meeting, region or topic."""
    meeting = db.get_or_404(Meeting, filters.meeting_id) if filters.meeting_id else None
    region = db.get_or_404(Region, filters.region_id) if filters.region_id else None
    topic = db.get_or_404(Topic, filters.topic_id).name if filters.topic_id else None
    if meeting is None:
        filters = stats.Filters(None, filters.period, filters.region_id, filters.topic_id, year, viewer=user)
        province = (region.parent_id or region.id) if region else queries.home_province_id(user)
        organizer = planning_agency(user, province)
        if organizer is None:  # no planning agency in the instance: nobody to issue it
            abort(404)
    else:
        filters = stats.Filters(meeting.id, filters.period, filters.region_id, filters.topic_id)
        organizer = db.session.get(Agency, meeting.organizer_agency_id)
    return Scope(filters, organizer, meeting, region, topic)


def planning_agency(user, province_id):
    """Whose kop a report across meetings carries: the reader's own agency when it is a planning
    agency, else the planning agency of the province, else the first provincial one (1–2 queries)."""
    own = db.session.get(Agency, user.agency_id) if getattr(user, "agency_id", None) else None
    if own is not None and own.is_planning_agency:
        return own
    stmt = (select(Agency).join(Region, Region.id == Agency.region_id)
            .where(Agency.is_planning_agency.is_(True), Region.kind == "provinsi"))
    if province_id:
        found = db.session.scalar(stmt.where(Region.id == province_id).order_by(Agency.id).limit(1))
        if found is not None:
            return found
    return db.session.scalar(stmt.order_by(Region.kemendagri_code, Agency.id).limit(1)) or own
