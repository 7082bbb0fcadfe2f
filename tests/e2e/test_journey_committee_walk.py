"""The committee's whole walk on one 13-agency meeting, in the browser only: create → agenda →
quotas → invitations → import → check-in → held → agree → minutes → final. No CLI, no
fix-up in the database: the only data prepared outside the pages is what other people do (the
13 agencies' delegates submit one commitment each).

Every committee action is counted (clicks, fields typed, choices, files), per step, and written
to test-artifacts/committee-walk.json: the figures the issue asks for ("the clicks for the
committee's walk"). The test asserts the walk ends with final minutes and everything it did
stored; it asserts no count (a count is a measurement, not a rule)."""
import json
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from tests.e2e.conftest import ARTIFACTS, login

WITA = ZoneInfo("Asia/Makassar")
SEATS = 4
KALSEL_REGENCIES = 13


class CountingPage:
    """The committee's page, counting what a person does on it, per step of the walk."""

    def __init__(self, page):
        self.page = page
        self.step = "sign-in"
        self.counts = defaultdict(Counter)

    def _count(self, kind):
        self.counts[self.step][kind] += 1

    def click(self, selector, **options):
        self._count("click")
        self.page.click(selector, **options)

    def press(self, locator):
        self._count("click")
        locator.click()

    def type(self, selector, value):
        self._count("typed")
        self.page.fill(selector, value)

    def choose(self, selector, **option):
        self._count("chosen")
        self.page.select_option(selector, **option)

    def attach(self, selector, path):
        self._count("file")
        self.page.set_input_files(selector, str(path))

    def totals(self):
        total = Counter()
        for per_step in self.counts.values():
            total.update(per_step)
        return {"per_step": {step: dict(c) for step, c in self.counts.items()}, "total": dict(total),
                "actions": sum(total.values())}


@pytest.fixture(scope="module")
def regencies(live_app):
    """(agency id, name, region name, code) of the 13 regency/city planning agencies of Kalsel;
    what they have before the meeting: a delegate account and a contact in the address book.
    The contacts go again afterwards: the journeys share one database, and other journeys type
    the addresses that an address book would fill in."""
    from rakor.auth.models import User
    from rakor.auth.passwords import hash_password
    from rakor.extensions import db
    from rakor.participants.contacts import ContactData, contacts_of, delete_contact, save_contact
    from rakor.regions.models import Agency, AgencyContact, Region

    added = []
    with live_app.app_context():
        rows = db.session.execute(
            select(Agency.id, Agency.name, Region.name, Region.kemendagri_code).join(Agency.region)
            .where(Region.kemendagri_code.like("63.%"), Agency.is_planning_agency.is_(True))
            .order_by(Region.kemendagri_code)).all()
        for agency_id, _, region_name, code in rows:
            agency = db.session.get(Agency, agency_id)
            if not contacts_of(agency_id):
                added.append(save_contact(agency, None, ContactData(
                    name=f"Kepala Bidang Perencanaan {region_name}", position="Kepala Bidang",
                    email=f"perencanaan.{code}@bappeda.example.id", whatsapp="0812-5123-4567",
                    is_primary=True)).id)
            email = f"walk.delegasi.{code}@demo.rakor.id"
            if db.session.scalar(select(User.id).where(User.email == email)) is None:
                db.session.add(User(email=email, name=f"Delegasi {code}", role="delegate", agency_id=agency_id,
                                    password_hash=hash_password("Rakor-Demo-2024")))
        db.session.commit()
        db.session.remove()
    assert len(rows) == KALSEL_REGENCIES
    yield rows
    with live_app.app_context():
        for contact_id in added:
            delete_contact(db.session.get(AgencyContact, contact_id))
        db.session.commit()
        db.session.remove()


def _participants_file(tmp_path, regencies):
    lines = ["No;Nama;NIP;Jabatan;Instansi;No. HP;L/P"]
    n = 0
    for _, agency_name, region_name, _ in regencies:
        for seat in range(SEATS):
            n += 1
            lines.append(f"{n};Peserta {seat + 1} {region_name};;Perencana Ahli Muda;{agency_name};;"
                         f"{'L' if seat % 2 else 'P'}")
    path = tmp_path / "peserta-rakor-52.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    return path, n


def _delegates_submit(live_app, meeting_id, regencies):
    """What the 13 agencies do during the meeting: one commitment each, submitted."""
    from decimal import Decimal

    from rakor.auth.models import User
    from rakor.commitments import services
    from rakor.commitments.services import CommitmentData
    from rakor.extensions import db
    from rakor.meetings.models import Meeting, Topic

    with live_app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        stunting = db.session.scalar(select(Topic.id).where(Topic.code == "STUNTING"))
        for agency_id, _, region_name, code in regencies:
            delegate = db.session.scalar(select(User).where(User.email == f"walk.delegasi.{code}@demo.rakor.id"))
            services.create_commitment(meeting, CommitmentData(
                title=f"Penurunan stunting {region_name}", agency_id=agency_id, indicator_id=stunting,
                target_value=Decimal("14.5"), target_date=datetime(2027, 12, 31).date(),
                programme_code="1.02.02"), delegate, submit=True, confirm_direction=True)
        db.session.commit()
        db.session.remove()


def _the_day_comes(live_app, meeting_id):
    from rakor.core.types import utcnow
    from rakor.extensions import db
    from rakor.meetings.models import Meeting

    with live_app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        length = meeting.ends_at - meeting.starts_at
        meeting.starts_at = utcnow().replace(microsecond=0) - timedelta(minutes=30)
        meeting.ends_at = meeting.starts_at + length
        db.session.commit()
        db.session.remove()


def _stored(live_app, meeting_id):
    from rakor.commitments.models import Commitment
    from rakor.extensions import db
    from rakor.mail.models import OutboundMail
    from rakor.meetings.models import Meeting
    from rakor.minutes.queries import latest_final
    from rakor.participants.mails import INVITATION_LINK
    from rakor.participants.models import Invitation, Participant, SeatQuota

    with live_app.app_context():
        def count(model, *where):
            return db.session.scalar(select(func.count()).select_from(model).where(model.meeting_id == meeting_id, *where))

        found = {
            "status": db.session.get(Meeting, meeting_id).status,
            "quotas": count(SeatQuota),
            "invitations": count(Invitation),
            "invitations_sent": db.session.scalar(select(func.count()).select_from(OutboundMail).where(
                OutboundMail.kind == INVITATION_LINK, OutboundMail.meeting_id == meeting_id)),
            "participants": count(Participant),
            "checked_in": count(Participant, Participant.checked_in_at.is_not(None)),
            "agreed": count(Commitment, Commitment.status == "agreed"),
            "final_minutes": latest_final(meeting_id) is not None,
        }
        db.session.remove()
    return found


def test_the_committee_walks_a_13_agency_meeting_from_creation_to_final_minutes(
        page, live_server, live_app, regencies, tmp_path):
    page.on("dialog", lambda dialog: dialog.accept())  # "Agree 13 commitments?" and the like
    walk = CountingPage(page)
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")

    # A week ahead; when invitations and the import are done, the test moves the meeting's
    # times to "started half an hour ago" in the database: the days passing, not a fix-up.
    now = datetime.now(WITA).replace(second=0, microsecond=0)
    start, end = now + timedelta(days=7), now + timedelta(days=7, hours=5)
    title = f"Rakor Penurunan Stunting Kabupaten/Kota {now:%H%M%S}"

    walk.step = "create"
    walk.click("#nav-meetings")
    walk.click("#new-meeting")
    walk.type("#title", title)
    walk.choose("#kind", value="rakor")
    walk.type("#starts_at", f"{start:%Y-%m-%dT%H:%M}")
    walk.type("#ends_at", f"{end:%Y-%m-%dT%H:%M}")
    walk.type("#venue", "Aula Bappeda Provinsi")
    walk.type("#city", "Banjarbaru")
    walk.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#agenda-table, #agenda")
    meeting_id = int(page.url.rstrip("/").rsplit("/", 1)[1])

    walk.step = "agenda"
    for item in ("Pembukaan", "Paparan capaian stunting", "Penyepakatan rencana aksi"):
        walk.click("#add-agenda-item")
        walk.type("#title", item)
        walk.click("#agenda-form button[type=submit]")
        page.wait_for_selector("#agenda-table")
    walk.click("#transition-scheduled")
    page.wait_for_selector("#meeting-status [data-status=scheduled]")

    walk.step = "quotas"
    walk.click("#tab-quotas")
    walk.type("#bulk-seats", str(SEATS))
    walk.click("#bulk-quota-form button[type=submit]")
    page.wait_for_selector("#quota-table")

    walk.step = "invitations"
    walk.click("#tab-invitations")
    walk.click("form[action$='/invitations/all'] button")
    page.wait_for_selector("#invitation-links")
    walk.click("#send-all")  # each agency's primary contact gets its link by e-mail
    page.wait_for_load_state()

    walk.step = "import"
    participants_file, rows = _participants_file(tmp_path, regencies)
    walk.click("#tab-participants")
    walk.click("a[href$='/participants/import']")
    walk.attach("input#file", participants_file)
    walk.click("#import-preview-button")
    page.wait_for_selector("#import-rows")
    walk.click("#import-confirm-button")
    page.wait_for_selector(f"text={rows} peserta berhasil diimpor.")

    _the_day_comes(live_app, meeting_id)
    walk.step = "check-in (3 of them)"
    walk.click("#tab-checkin")
    for n in (1, 2, 3):
        walk.type("#checkin-search", f"Peserta {n} Kabupaten Kotabaru")
        walk.click("#checkin-search-button")
        row = page.locator(".checkin-row", has_text=f"Peserta {n} Kabupaten Kotabaru")
        walk.press(row.locator("button.checkin-button"))
        page.wait_for_selector(f".checkin-row:has-text('Peserta {n} Kabupaten Kotabaru') .checkin-undo")

    walk.step = "held"
    walk.click("#tab-overview")
    walk.click("#transition-held")
    page.wait_for_selector("#meeting-status [data-status=held]")

    _delegates_submit(live_app, meeting_id, regencies)
    walk.step = "agree"
    walk.click("#tab-commitments")
    walk.click("#pick-all-submitted")
    walk.click("#bulk-agree")
    page.wait_for_load_state()

    walk.step = "minutes"
    walk.click("#tab-minutes")
    walk.click("#edit-minutes")
    walk.type("#minutes-form [name=opening]", "Rapat dibuka pukul 08.30 WITA oleh Kepala Bappeda Provinsi.")
    walk.click("#save-minutes")
    page.wait_for_load_state()

    walk.step = "final"
    walk.click("#tab-minutes")
    if page.locator("#signatories-missing").count():  # the signature blocks need who signs
        walk.click("#signatories-missing a")
        for field, value in (("chair_name", "Dr. Ir. H. Ahmad Rizali, M.Si."), ("chair_position", "Kepala Bappeda"),
                             ("chair_nip", "197001011995031001"), ("chair_rank", "Pembina Utama Muda (IV/c)"),
                             ("minute_taker_name", "Noor Aini, S.E."), ("minute_taker_position", "Analis Perencanaan"),
                             ("minute_taker_nip", "198505052010012002"), ("minute_taker_rank", "Penata (III/c)")):
            if not page.input_value(f"#{field}"):  # the chair is proposed: the organizer's head
                walk.type(f"#{field}", value)
        walk.click("#meeting-form button[type=submit]")
        walk.click("#tab-minutes")
    walk.click("#finalise-minutes", timeout=90_000)  # renders, archives (PDF/A) and signs the PDF
    page.wait_for_selector("#final-hash", timeout=90_000)

    assert _stored(live_app, meeting_id) == {
        "status": "minutes_final", "quotas": KALSEL_REGENCIES, "invitations": KALSEL_REGENCIES,
        "participants": rows, "checked_in": 3, "invitations_sent": KALSEL_REGENCIES, "agreed": KALSEL_REGENCIES, "final_minutes": True}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "committee-walk.json").write_text(json.dumps(walk.totals(), indent=2, ensure_ascii=False))
    print("\ncommittee walk:", json.dumps(walk.totals(), ensure_ascii=False))
