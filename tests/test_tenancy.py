"""Tenancy by organizing agency (issue 22, rakor/auth/tenancy.py): the committee manages only
the meetings of the organizers it acts for, leadership sees its agency's and those under it,
the administrator every one; the Python rules and their SQL forms agree; the organizer select,
the service, the numbering register, the admin user page and the offices page follow."""
from datetime import datetime

import pytest
from sqlalchemy import select

from rakor.auth import services as account_services
from rakor.auth import tenancy
from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.meetings import services as meeting_services
from rakor.meetings.models import Meeting
from rakor.meetings.rules import view_lapses_at, visible_condition
from rakor.policy import can
from rakor.regions.models import Agency
from tests.factories import make_meeting, make_user, two_organizers


@pytest.fixture
def two(db):
    s = two_organizers()
    db.session.commit()
    return s


def _users(s):
    helper = make_user("committee", agency=s.province_agency)  # the province helping regency B
    account_services.set_extra_agencies(helper, [s.agency_b.id])
    return {
        "admin": make_user("admin"),
        "committee_p": s.committee_p, "committee_a": s.committee_a, "committee_b": s.committee_b,
        "committee_p_helping_b": helper,
        "committee_without_agency": make_user("committee"),
        "leadership_p": s.leadership_p, "leadership_a": s.leadership_a, "leadership_b": s.leadership_b,
        "leadership_without_agency": make_user("leadership"),
        "delegate_office_a": make_user("delegate", agency=s.office_a),
        "delegate_a": make_user("delegate", agency=s.agency_a),
    }


# Who sees which of the three organizers' meetings (p: province, a/b: regencies).
EXPECTED_VIEW = {
    "admin": {"p", "a", "b"},
    "committee_p": {"p"}, "committee_a": {"a"}, "committee_b": {"b"},
    "committee_p_helping_b": {"p", "b"},
    "committee_without_agency": {"p", "a", "b"},
    "leadership_p": {"p", "a", "b"},  # the province sees its regencies
    "leadership_a": {"a"}, "leadership_b": {"b"},  # a regency sees only itself
    "leadership_without_agency": {"p", "a", "b"},
    "delegate_office_a": {"a"},  # invited by its Bappeda
    "delegate_a": {"p"},  # invited by the province
}


def test_who_sees_which_organizers_meetings_python_and_sql_agree(two):
    meetings = {"p": two.meeting_p, "a": two.meeting_a, "b": two.meeting_b}
    ours = [m.id for m in meetings.values()]
    for name, user in _users(two).items():
        listed = set(db.session.scalars(select(Meeting.id).where(visible_condition(user), Meeting.id.in_(ours))))
        by_rule = {key for key, m in meetings.items() if can(user, "meeting.view", m)}
        assert by_rule == EXPECTED_VIEW[name], name
        assert listed == {meetings[k].id for k in by_rule}, name


def test_only_the_organizers_committee_changes_a_meeting(two):
    users = _users(two)
    actions = ("meeting.edit", "meeting.change_status", "meeting.manage_materials", "meeting.manage_participants",
               "meeting.check_in", "participant.register", "commitment.create", "commitment.manage",
               "minutes.edit", "progress.report_meeting", "progress.issue_monitoring")
    managing = {"committee_b", "committee_p_helping_b", "committee_without_agency"}
    for name, user in users.items():
        for action in actions:
            assert can(user, action, two.meeting_b) == (name in managing), (name, action)
    # The monitoring report: readers who see the meeting.
    for name, user in users.items():
        expected = name in EXPECTED_VIEW and "b" in EXPECTED_VIEW[name] and not name.startswith("delegate")
        assert can(user, "progress.monitoring", two.meeting_b) == expected, name


def test_the_chair_finalises_the_minutes_of_its_own_agency_only(two):
    held = make_meeting(organizer=two.agency_a, status="held")
    assert can(two.leadership_a, "minutes.finalise", held)
    assert not can(two.leadership_b, "minutes.finalise", held)
    # The province sees the regency's meeting but does not chair it.
    assert can(two.leadership_p, "meeting.view", held) and not can(two.leadership_p, "minutes.finalise", held)
    assert can(two.committee_a, "minutes.finalise", held) and not can(two.committee_b, "minutes.finalise", held)


def _meeting_data(organizer_id, **overrides):
    values = dict(title="FGD Baru", kind="fgd", field=None, organizer_agency_id=organizer_id,
                  timezone="Asia/Makassar", starts_at=datetime(2024, 5, 2, 9, 0), ends_at=datetime(2024, 5, 2, 12, 0),
                  venue="Aula", city="Kotabaru", chair_name=None, chair_position=None, chair_nip=None,
                  chair_rank=None, minute_taker_name=None, minute_taker_position=None, minute_taker_nip=None,
                  minute_taker_rank=None, signing_place=None, description=None, registration_opens_at=None,
                  registration_closes_at=None, follow_up_of_id=None, open_end=False, contact_name=None,
                  contact_phone=None, dress_code=None, letter_number=None, online_url=None)
    values.update(overrides)
    return meeting_services.MeetingData(**values)


def test_a_committee_creates_meetings_for_its_own_agency_only(two):
    own = meeting_services.create_meeting(_meeting_data(two.agency_a.id), two.committee_a)
    assert own.organizer_agency_id == two.agency_a.id
    with pytest.raises(DomainError) as refused:
        meeting_services.create_meeting(_meeting_data(two.agency_b.id), two.committee_a)
    assert refused.value.field == "organizer_agency_id"
    # Nor may it follow up another organizer's meeting, or move its own to another organizer.
    with pytest.raises(DomainError) as refused:
        meeting_services.create_meeting(_meeting_data(two.agency_a.id, follow_up_of_id=two.meeting_b.id),
                                        two.committee_a)
    assert refused.value.field == "follow_up_of_id"
    with pytest.raises(DomainError) as refused:
        meeting_services.update_meeting(own, _meeting_data(two.agency_b.id), by_user=two.committee_a)
    assert refused.value.field == "organizer_agency_id"


def test_the_new_meeting_form_offers_only_the_users_organizers(client, two, login_as):
    login_as("committee", agency=two.agency_a)
    page = client.get("/meetings/new").get_data(as_text=True)
    assert two.agency_a.name in page and two.agency_b.name not in page and two.province_agency.name not in page
    assert two.meeting_b.title not in page  # not among the meetings to follow up either
    response = client.post("/meetings/new", data={
        "title": "FGD Orang Lain", "kind": "fgd", "organizer_agency_id": two.agency_b.id,
        "timezone": "Asia/Makassar", "starts_at": "2024-05-02T09:00", "ends_at": "2024-05-02T12:00",
        "venue": "Aula"})
    assert response.status_code == 200  # the form again, with the error
    assert db.session.scalar(select(Meeting).where(Meeting.title == "FGD Orang Lain")) is None


def test_lists_show_only_the_users_organizers(client, two, login_as):
    login_as("committee", agency=two.agency_a)
    page = client.get("/meetings/?scope=all").get_data(as_text=True)
    assert two.meeting_a.title in page
    assert two.meeting_b.title not in page and two.meeting_p.title not in page
    login_as("leadership", agency=two.province_agency)
    page = client.get("/meetings/?scope=all").get_data(as_text=True)
    assert all(m.title in page for m in (two.meeting_p, two.meeting_a, two.meeting_b))


def test_the_admin_adds_agencies_a_committee_acts_for_on_the_user_page(client, two, login_as):
    login_as("admin")
    user = two.committee_p
    response = client.post(f"/admin/users/{user.id}/edit", data={
        "name": user.name, "email": user.email, "role": "committee", "agency_id": two.province_agency.id,
        "extra_agency_ids": [two.agency_b.id]})
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.get(type(user), user.id)
    tenancy.forget(user)
    assert tenancy.own_agency_ids(user) == {two.province_agency.id, two.agency_b.id}
    assert can(user, "meeting.edit", two.meeting_b) and not can(user, "meeting.edit", two.meeting_a)
    page = client.get(f"/admin/users/{user.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{two.agency_b.id}">' in page
    # A delegate acts for its own agency only.
    with pytest.raises(DomainError):
        account_services.set_extra_agencies(make_user("delegate", agency=two.office_a), [two.agency_b.id])


def test_numbering_registers_are_per_agency(client, two, login_as):
    assert can(two.committee_a, "numbering.manage", two.agency_a)
    assert not can(two.committee_a, "numbering.manage", two.agency_b)
    assert can(two.leadership_p, "numbering.view", two.agency_b)
    assert not can(two.leadership_a, "numbering.view", two.agency_b)
    login_as("committee", agency=two.agency_a)
    assert client.get(f"/numbering?agency={two.agency_b.id}").status_code == 404
    assert client.get(f"/numbering/agencies/{two.agency_b.id}/scheme").status_code == 403
    assert client.get(f"/numbering/agencies/{two.agency_a.id}/scheme").status_code == 200
    page = client.get("/numbering").get_data(as_text=True)
    assert two.agency_a.name in page and two.agency_b.name not in page


def test_a_regency_committee_adds_its_offices_and_invites_them(client, two, login_as):
    login_as("committee", agency=two.agency_a)
    page = client.get("/admin/offices").get_data(as_text=True)
    assert two.office_a.name in page and two.office_b.name not in page
    response = client.post("/admin/offices", data={"parent_id": two.agency_b.id, "name": "Dinas Sosial Uji B",
                                                    "short_name": "Dinsos B"})
    assert response.status_code == 200  # not a choice: refused on the form
    assert db.session.scalar(select(Agency).where(Agency.name == "Dinas Sosial Uji B")) is None
    response = client.post("/admin/offices", data={"parent_id": two.agency_a.id, "name": "Dinas Sosial Uji A",
                                                    "short_name": "Dinsos A"})
    assert response.status_code == 302
    office = db.session.scalar(select(Agency).where(Agency.name == "Dinas Sosial Uji A"))
    assert office.parent_agency_id == two.agency_a.id and office.region_id == two.region_a.id
    assert not office.is_planning_agency
    # Its own meeting invites it; leadership of the regency and the province see that meeting.
    response = client.post(f"/meetings/{two.meeting_a.id}/quotas/set", data={"agency_id": office.id, "seats": "2"})
    assert response.status_code == 302
    delegate = make_user("delegate", agency=office)
    assert can(delegate, "meeting.view", two.meeting_a) and not can(delegate, "meeting.view", two.meeting_b)
    login_as("leadership", agency=two.agency_a)
    assert client.get("/admin/offices").status_code == 403
    login_as("delegate", agency=two.office_a)
    assert client.get("/admin/offices").status_code == 403


def test_the_organizer_of_existing_meetings_is_kept_and_instance_wide_accounts_see_all(two):
    """Upgrading (0024_tenancy) changes no account: without an agency a committee account is
    instance-wide, as every account was before."""
    anyone = make_user("committee")
    assert all(can(anyone, "meeting.edit", m) for m in (two.meeting_p, two.meeting_a, two.meeting_b))
    assert db.session.scalar(select(Meeting.organizer_agency_id).where(Meeting.id == two.meeting_b.id)) == two.agency_b.id
    # No clock in the organisers' rule: the meeting page keeps their pages by data version only.
    assert view_lapses_at(two.leadership_p, two.meeting_b) is None


def test_the_command_line_acting_as_a_committee_respects_the_organizer(app, two, tmp_path):
    """`RAKOR_CLI_AS`: a meeting of another organizer is refused (exit 3) by every command that
    loads one (here .ics and the participants' export), `meetings list` lists its own only, and
    `meetings create` creates for its own agencies only. Without it the command line is
    administrator-level."""
    runner = app.test_cli_runner()
    as_a = {"RAKOR_CLI_AS": two.committee_a.email}
    refused = runner.invoke(args=["meetings", "ics", str(two.meeting_b.id)], env=as_a)
    assert refused.exit_code == 3 and "does not organise" in refused.output
    refused = runner.invoke(args=["participants", "export", str(two.meeting_b.id), "-o", str(tmp_path / "b.csv")], env=as_a)
    assert refused.exit_code == 3
    assert runner.invoke(args=["meetings", "ics", str(two.meeting_a.id)], env=as_a).exit_code == 0
    listed = runner.invoke(args=["meetings", "list"], env=as_a).output
    assert two.meeting_a.title in listed and two.meeting_b.title not in listed
    create = ["meetings", "create", "--title", "FGD CLI", "--start", "2024-06-03 09:00", "--end", "2024-06-03 12:00",
              "--venue", "Aula", "--kind", "fgd"]
    refused = runner.invoke(args=[*create, "--organizer", str(two.agency_b.id)], env=as_a)
    assert refused.exit_code == 1 and db.session.scalar(select(Meeting).where(Meeting.title == "FGD CLI")) is None
    made = runner.invoke(args=[*create, "--organizer", str(two.agency_a.id)], env=as_a)
    assert made.exit_code == 0, made.output
    assert runner.invoke(args=["meetings", "ics", str(two.meeting_b.id)]).exit_code == 0  # administrator-level
    assert runner.invoke(args=["meetings", "list"], env={"RAKOR_CLI_AS": two.leadership_a.email}).exit_code == 2


def test_dashboards_and_exports_cover_the_readers_meetings_only(client, two, login_as):
    from decimal import Decimal

    from rakor.api import tokens
    from rakor.regions.programmes import load_shipped_programmes
    from tests.factories import commitment_data, make_commitment, make_update, topic_id

    load_shipped_programmes()
    theirs = make_commitment(two.meeting_b, two.committee_b, commitment_data(two.office_b, topic_id("KEMISKINAN")))
    make_update(theirs, two.committee_b, percent=Decimal("50"))
    db.session.commit()
    for role in ("leadership", "committee"):
        login_as(role, agency=two.agency_a)
        assert client.get(f"/progress?meeting={two.meeting_b.id}").status_code == 404
        assert client.get(f"/progress/overdue?meeting={two.meeting_b.id}").status_code == 404
        assert client.get(f"/progress/monitoring.xlsx?meeting={two.meeting_b.id}").status_code == 404
        exported = client.get("/progress/export.csv")
        assert exported.status_code == 200 and theirs.reference not in exported.get_data(as_text=True)
    login_as("leadership", agency=two.province_agency)  # the province sees its regencies'
    assert client.get(f"/progress?meeting={two.meeting_b.id}").status_code == 200
    assert theirs.reference in client.get("/progress/export.csv").get_data(as_text=True)
    secret = tokens.issue(two.leadership_a, "Uji", "read", None).secret
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"/api/v1/dashboard?meeting={two.meeting_b.id}", headers=headers).status_code == 404


def test_a_progress_file_reaches_only_the_committees_own_meetings(two):
    """The web and CLI import of progress reports matches commitments by reference: another
    organizer's reads as an unknown reference to the committee (as another agency's does to a
    delegate); the organizer's own committee imports it."""
    from rakor.progress import imports
    from rakor.regions.programmes import load_shipped_programmes
    from tests.factories import commitment_data, make_commitment, topic_id
    from tests.helpers import csv_bytes

    load_shipped_programmes()
    theirs = make_commitment(two.meeting_b, two.committee_b, commitment_data(two.office_b, topic_id("KEMISKINAN")))
    db.session.commit()
    rows = [["Referensi", "Periode", "Realisasi", "Persen Capaian", "Status"],
            [theirs.reference, "2024-Q1", "", "40", "Sesuai rencana"]]
    report, outcome = imports.import_file(csv_bytes(rows), two.committee_a, filename="kemajuan.csv")
    assert outcome is None and "reference" in report.rows[0].errors
    report, outcome = imports.import_file(csv_bytes(rows), two.committee_b, filename="kemajuan.csv")
    assert report.ok, report.problems()


def test_leadership_hears_of_final_minutes_of_the_meetings_it_sees_only(two):
    from rakor.minutes import notices as minutes_notices
    from rakor.notices.models import Notice

    minutes_notices.notify_final(two.meeting_a, type("Revision", (), {"version": 1})())
    db.session.flush()
    told = set(db.session.scalars(select(Notice.user_id).where(Notice.meeting_id == two.meeting_a.id)))
    assert {two.leadership_a.id, two.leadership_p.id} <= told
    assert two.leadership_b.id not in told


# --- the dashboard's figures: only the meetings the reader sees count --------------------------

@pytest.fixture
def figures(two):
    """Agreed commitments of each organizer: the province's meeting has two (of regency A's and
    B's Bappeda, so each regency holds another organizer's commitment), A's FGD one, B's FGD
    two; some reported on."""
    from decimal import Decimal

    from rakor.regions.programmes import load_shipped_programmes
    from tests.factories import commitment_data, make_commitment, make_update, topic_id

    load_shipped_programmes()
    poverty = topic_id("KEMISKINAN")

    def agreed(meeting, committee, agency, title):
        return make_commitment(meeting, committee, commitment_data(agency, poverty, title=title))

    two.p1 = agreed(two.meeting_p, two.committee_p, two.agency_a, "Provinsi untuk A")
    two.p2 = agreed(two.meeting_p, two.committee_p, two.agency_b, "Provinsi untuk B")
    two.a1 = agreed(two.meeting_a, two.committee_a, two.office_a, "Kabupaten A")
    two.b1 = agreed(two.meeting_b, two.committee_b, two.office_b, "Kabupaten B satu")
    two.b2 = agreed(two.meeting_b, two.committee_b, two.office_b, "Kabupaten B dua")
    make_update(two.p1, two.committee_p, percent=Decimal("50"))
    make_update(two.a1, two.committee_a, percent=Decimal("80"), period="2024-Q2")
    make_update(two.b1, two.committee_b, "2024-Q1", "at_risk", percent=Decimal("30"))
    two.poverty = poverty
    db.session.commit()
    return two


# Whose commitments each reader's figures count (p1, p2: the province's; a1: A's; b1, b2: B's).
EXPECTED_FIGURES = {
    "admin": {"p1", "p2", "a1", "b1", "b2"}, "leadership_without_agency": {"p1", "p2", "a1", "b1", "b2"},
    "committee_without_agency": {"p1", "p2", "a1", "b1", "b2"},
    "leadership_p": {"p1", "p2", "a1", "b1", "b2"},  # its regencies' FGDs too
    "leadership_a": {"a1"}, "committee_a": {"a1"},  # not the province's commitment in its own regency
    "leadership_b": {"b1", "b2"}, "committee_b": {"b1", "b2"},
    "committee_p": {"p1", "p2"}, "committee_p_helping_b": {"p1", "p2", "b1", "b2"},
}


def _straight_count(user, s):
    """The agreed commitments of the meetings `user` sees, counted from the commitment rows by
    the rule meeting.view itself: what every figure must add up to."""
    from rakor.commitments.models import Commitment

    agreed = db.session.scalars(select(Commitment).where(Commitment.status == "agreed", Commitment.meeting_id.in_(
        [s.meeting_p.id, s.meeting_a.id, s.meeting_b.id]))).all()
    meetings = {m.id: m for m in (s.meeting_p, s.meeting_a, s.meeting_b)}
    return {c.id for c in agreed if can(user, "meeting.view", meetings[c.meeting_id])}


def _assert_figures_agree(s, users, expected=None):
    """For every reader and filter: the tallies summed over the organizers it sees equal the
    aggregate over the commitments of the meetings `visible_condition` lets through, and the
    total is the straight count."""
    from rakor.progress import stats, workdays

    due = workdays.Calendar().due_quarter(workdays.today())
    for name, user in users.items():
        if name.startswith("delegate"):
            continue
        visible = _straight_count(user, s)
        if expected is not None:
            assert visible == {getattr(s, key).id for key in expected[name]}, name
        for filters in (stats.Filters(), stats.Filters(region_id=s.province.id), stats.Filters(region_id=s.region_a.id),
                        stats.Filters(region_id=s.region_b.id), stats.Filters(period="2024-Q1"),
                        stats.Filters(topic_id=s.poverty, region_id=s.province.id)):
            filters = filters.with_viewer(user)
            kept, direct = stats.summary(filters, due), stats.compute_summary(filters, due)
            assert kept.statuses == direct.statuses, (name, filters)
            assert kept.overdue == direct.overdue, (name, filters)
            assert kept.matrix.cells == direct.matrix.cells and kept.matrix.total == direct.matrix.total, (name, filters)
            assert stats.overdue_total(filters, due) == stats.overdue_count(filters, due), (name, filters)
        everything = stats.summary(stats.Filters(region_id=s.province.id).with_viewer(user), due)
        assert everything.matrix.total.count == len(visible), name


def test_the_dashboards_figures_count_the_meetings_the_reader_sees(figures):
    _assert_figures_agree(figures, _users(figures), EXPECTED_FIGURES)


def test_the_scoped_figures_stay_a_straight_count_after_updates_imports_and_deletions(figures):
    from decimal import Decimal

    from rakor.commitments.models import Commitment
    from rakor.progress import imports
    from tests.factories import make_update
    from tests.helpers import csv_bytes

    s, users = figures, _users(figures)
    make_update(s.b1, s.committee_b, "2024-Q1", "late", percent=Decimal("10"))  # a revision
    make_update(s.p2, s.committee_p, "2024-Q3", "done", percent=Decimal("100"))
    rows = [["Referensi", "Periode", "Realisasi", "Persen Capaian", "Status"],
            [s.a1.reference, "2024-Q3", "", "90", "Sesuai rencana"]]
    report, outcome = imports.import_file(csv_bytes(rows), s.committee_a, filename="kemajuan.csv")
    assert report.ok and outcome is not None, report.problems()
    db.session.flush()
    _assert_figures_agree(s, users)
    db.session.delete(db.session.get(Commitment, s.b2.id))
    db.session.flush()
    _assert_figures_agree(s, users)
    # B's FGD handed to regency A's Bappeda: its commitments move to A's readers.
    meeting = db.session.get(Meeting, s.meeting_b.id)
    meeting.organizer_agency_id = s.agency_a.id
    db.session.flush()
    tenancy.forget(s.leadership_a)
    _assert_figures_agree(s, users)
    from rakor.progress import stats

    assert stats.summary(stats.Filters().with_viewer(s.leadership_a)).matrix.total.count == 2  # a1, b1
    assert stats.summary(stats.Filters().with_viewer(s.leadership_b)).matrix.total.count == 0
    db.session.delete(db.session.get(Meeting, s.meeting_a.id))
    db.session.flush()
    _assert_figures_agree(s, users)


def _figure(page, marker):
    import re

    found = re.search(rf'id="{marker}">([\d.]+)<', page)
    assert found, marker
    return int(found.group(1).replace(".", ""))


@pytest.mark.parametrize("role", ["leadership", "committee"])
def test_a_regencys_readers_see_their_own_figures_on_every_page(client, figures, login_as, role):
    s = figures
    refs = {key: getattr(s, key).reference for key in ("p1", "p2", "a1", "b1", "b2")}
    login_as(role, agency=s.agency_b)
    for url in ("/progress", "/progress?region=all", f"/progress?region={s.region_b.id}"):
        page = client.get(url).get_data(as_text=True)
        assert _figure(page, "figure-total") == 2, url
        assert _figure(page, "figure-overdue") == 2, url  # reported up to 2024-Q1 at most, due since
    page = client.get("/progress").get_data(as_text=True)  # the regencies of its province
    assert 'data-region="95.02"' in page and 'data-region="95.01"' not in page  # none it sees in A
    home = client.get("/").get_data(as_text=True)
    assert _figure(home, "panel-overdue") == 2
    region = client.get(f"/progress/regions/{s.region_b.id}").get_data(as_text=True)
    assert refs["b1"] in region and refs["p2"] not in region
    assert client.get(f"/progress/regions/{s.region_a.id}").get_data(as_text=True).count("data-reference") == 0
    for url in ("/progress/overdue", "/progress/overdue.csv"):
        listed = client.get(url).get_data(as_text=True)
        assert refs["b1"] in listed and refs["b2"] in listed, url
        assert refs["p2"] not in listed and refs["a1"] not in listed, url
    report = client.get("/progress/monitoring.xlsx?year=2024&region=all")
    assert report.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    text = " ".join(str(cell) for sheet in load_workbook(BytesIO(report.data)).worksheets
                    for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None)
    assert refs["b1"] in text and refs["p2"] not in text and refs["a1"] not in text
    from tests.helpers import pdf_text

    report = client.get("/progress/monitoring.pdf?year=2024&region=all")
    assert report.status_code == 200 and report.mimetype == "application/pdf"
    text = pdf_text(report.data)
    assert refs["b2"] in text and refs["p2"] not in text and refs["a1"] not in text


def test_the_provinces_leadership_sees_its_regencies_figures_too(client, figures, login_as):
    s = figures
    login_as("leadership", agency=s.province_agency)
    page = client.get("/progress").get_data(as_text=True)
    assert _figure(page, "figure-total") == 5
    listed = client.get("/progress/overdue.csv").get_data(as_text=True)
    assert all(getattr(s, key).reference in listed for key in ("p1", "p2", "a1", "b1", "b2"))
    from tests.helpers import pdf_text

    text = pdf_text(client.get("/progress/monitoring.pdf?year=2024&region=all").data)
    assert all(getattr(s, key).reference in text for key in ("p1", "p2", "a1", "b1", "b2"))
    login_as("leadership")  # instance-wide: as before tenancy
    assert _figure(client.get("/progress").get_data(as_text=True), "figure-total") == 5


def test_a_scoped_readers_figures_read_the_tallies_in_a_fixed_number_of_queries(figures, count_queries):
    """Scoping adds a condition to the tally queries, not a query (the reader's agencies are
    read once per request, as every page of a scoped reader does already)."""
    from rakor.progress import stats, workdays
    from tests.factories import commitment_data, make_commitment

    s = figures
    due = workdays.Calendar().due_quarter(workdays.today())
    readers = (s.leadership_b, s.committee_b, s.leadership_p)
    province_id = s.province.id  # loaded before counting
    for user in readers:
        tenancy.own_agency_ids(user)

    def counts():
        found = []
        for user in readers:
            with count_queries() as n:
                stats.summary(stats.Filters(region_id=province_id).with_viewer(user), due)
            found.append(n())
        return found

    before = counts()
    assert before == [2, 2, 2]  # tally rows with the overdue sum, region and topic names: as unscoped
    for i in range(12):
        make_commitment(s.meeting_b, s.committee_b, commitment_data(s.office_b, s.poverty, title=f"Tambahan {i}"))
    db.session.flush()
    assert counts() == before
    assert stats.summary(stats.Filters().with_viewer(s.leadership_b), due).matrix.total.count == 14


def test_the_tallies_statements_are_kept_per_sight_and_follow_a_change_of_agencies(figures):
    """The dashboard's tally statements are built once per filters and sight (tenancy.Sight:
    role, agency, agencies acted for) and kept: two readers who see the same organizers share
    one statement object, and a committee given another agency gets a statement of its own and
    that agency's figures at once (the key holds the agencies, never the user)."""
    from rakor.progress import stats, workdays

    s = figures
    due = workdays.Calendar().due_quarter(workdays.today())
    other_b = make_user("committee", agency=s.agency_b)
    key_b, key_other = (stats._tally_key(stats.Filters().with_viewer(u)) for u in (s.committee_b, other_b))
    assert key_b == key_other
    assert stats._tallied_statement(*key_b, due.quarter_index) is stats._tallied_statement(*key_other, due.quarter_index)

    helper = make_user("committee", agency=s.province_agency)
    db.session.commit()
    before = stats.summary(stats.Filters().with_viewer(helper), due)
    assert before.matrix.total.count == 2  # the province's p1 and p2
    account_services.set_extra_agencies(helper, [s.agency_b.id])
    db.session.commit()
    tenancy.forget(helper)
    after_key = stats._tally_key(stats.Filters().with_viewer(helper))
    assert after_key != stats._tally_key(stats.Filters().with_viewer(s.committee_p))
    assert stats.summary(stats.Filters().with_viewer(helper), due).matrix.total.count == 4  # and B's b1, b2


def test_the_check_in_panel_shows_only_the_desks_of_meetings_the_committee_manages(two):
    """The committee's home panel of today's check-in desks lists the meetings held around now
    that the committee manages: regency A's committee does not see the province's or regency
    B's desks (titles and head counts of another organizer's meeting)."""
    from datetime import timedelta

    from rakor.core.types import utcnow
    from rakor.participants.dashboard import checkin_panel

    now = utcnow()
    for meeting in (two.meeting_p, two.meeting_a, two.meeting_b):
        meeting.starts_at, meeting.ends_at = now - timedelta(hours=1), now + timedelta(hours=6)
    db.session.commit()

    def shown(user):
        panel = checkin_panel(user, now=now)
        return {m.id for m, _day in panel["checkin_days"]} if panel else set()

    assert shown(two.committee_a) == {two.meeting_a.id}
    assert shown(two.committee_b) == {two.meeting_b.id}
    assert shown(two.committee_p) == {two.meeting_p.id}
    assert shown(make_user("committee")) >= {two.meeting_p.id, two.meeting_a.id, two.meeting_b.id}  # instance-wide
    assert checkin_panel(two.leadership_p, now=now) is None  # the desks are the committee's
