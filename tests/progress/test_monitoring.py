"""Dashboard aggregates (fixed query count), overdue, follow-up block, home panel, monitoring
report (PDF content, XLSX)."""
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from rakor.commitments import services as commitment_services
from rakor.extensions import db
from rakor.progress import periods, stats, workdays
from tests.factories import first_agency_commitment as data
from tests.factories import make_meeting, make_quota, make_update
from tests.progress.conftest import TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def login_user(client, user):
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


def report(pg, c, period="2024-Q3", user=None, **fields):
    return make_update(c, user or pg.committee, period, today=TODAY, **fields)


def test_the_matrix_averages_true_percents_per_region_and_topic(pg):
    report(pg, pg.poverty_c, realised_value=Decimal("5.50"))  # 150 %
    report(pg, pg.ipm_c, realised_value=Decimal("71"))  # 50 %
    report(pg, pg.rural_c, percent=Decimal("40"))
    matrix = stats.matrix(stats.Filters(meeting_id=pg.meeting.id))
    first, second = pg.regions[0].id, pg.regions[1].id
    assert matrix.by_region[first].count == 3 and matrix.by_region[first].average == Decimal("80.0")
    assert matrix.by_region[second].reported == 0 and matrix.by_region[second].average is None
    assert matrix.cells[(first, pg.poverty)].average == Decimal("150.0")
    assert matrix.total.count == 4


def test_the_period_filter_shows_that_periods_reports(pg):
    report(pg, pg.poverty_c, period="2024-Q2", realised_value=Decimal("6.25"), status="late")
    report(pg, pg.poverty_c, period="2024-Q3", realised_value=Decimal("5.75"), status="done")
    assert stats.status_counts(stats.Filters(period="2024-Q2"))["late"] == 1
    assert stats.status_counts(stats.Filters())["done"] == 1
    assert stats.status_counts(stats.Filters())["none"] == 3


def test_overdue_uses_the_due_quarter_the_target_and_done(pg):
    due = periods.quarter(2024, 3)
    report(pg, pg.poverty_c, realised_value=Decimal("6"))  # reported for Q3: not overdue
    report(pg, pg.ipm_c, period="2024-Q2", realised_value=Decimal("71"))  # Q2 only: overdue
    report(pg, pg.rural_c, period="2024-Q1", percent=Decimal("100"), status="done")  # done: not overdue
    overdue = {c.id for c, *_rest in stats.overdue_rows(stats.Filters(), due)}
    assert overdue == {pg.ipm_c.id, pg.other_c.id}  # other_c never reported
    assert stats.overdue_count(stats.Filters(meeting_id=pg.meeting.id), due) == 2
    # Before the due quarter of a commitment's meeting nothing is owed.
    assert stats.overdue_count(stats.Filters(), periods.quarter(2023, 4)) == 0
    # A target date in Q2 means Q2 is the last quarter owed.
    pg.ipm_c.target_date = date(2024, 6, 30)
    db.session.flush()
    assert {c.id for c, *_r in stats.overdue_rows(stats.Filters(), due)} == {pg.other_c.id}


def _more_data(pg, n):
    for i in range(n):
        c = commitment_services.create_commitment(pg.meeting, data(pg, title=f"Tambahan {i}", baseline_value=Decimal("6.25"),
                                                                   agency_id=pg.agencies[i % 2].id),
                                                  pg.committee, status="agreed", confirm_direction=True)
        report(pg, c, realised_value=Decimal("6.1"))
        report(pg, c, period="2024-Q2", realised_value=Decimal("6.2"))


def test_the_dashboard_renders_in_a_fixed_number_of_queries(client, pg, count_queries):
    db.session.commit()
    login_user(client, pg.leadership)
    client.get("/progress")  # warm-up: the user's row, caches
    with count_queries() as few:
        assert client.get(f"/progress?meeting={pg.meeting.id}").status_code == 200
    _more_data(pg, 6)
    db.session.commit()
    client.get("/progress")
    with count_queries() as many:
        page = client.get(f"/progress?meeting={pg.meeting.id}")
    assert page.status_code == 200
    assert many() == few() <= 12
    with count_queries() as region_page:
        assert client.get(f"/progress/regions/{pg.regions[0].id}").status_code == 200
    assert region_page() <= 8


def test_the_timeline_and_meeting_pages_render_in_a_fixed_number_of_queries(client, pg, count_queries):
    report(pg, pg.poverty_c, period="2024-Q1", realised_value=Decimal("6.2"))
    db.session.commit()
    login_user(client, pg.committee)
    url = f"/meetings/{pg.meeting.id}/commitments/{pg.poverty_c.id}/progress"
    client.get(url)
    client.get(f"/meetings/{pg.meeting.id}/progress")
    with count_queries() as few:
        client.get(url)
        client.get(f"/meetings/{pg.meeting.id}/progress")
    for period, value in (("2024-Q2", "6.1"), ("2024-Q3", "6.0"), ("2024-Q3", "5.9")):
        report(pg, pg.poverty_c, period=period, realised_value=Decimal(value))
    _more_data(pg, 3)
    db.session.commit()
    client.get(url)  # warm-up, as before the first count
    client.get(f"/meetings/{pg.meeting.id}/progress")
    with count_queries() as many:
        client.get(url)
        client.get(f"/meetings/{pg.meeting.id}/progress")
    assert many() == few()


def test_a_follow_up_meeting_lists_the_earlier_commitments_with_their_progress(client, pg):
    report(pg, pg.poverty_c, realised_value=Decimal("6.00"))
    follow = make_meeting(follow_up_of_id=pg.meeting.id, title="Rakor Lanjutan")
    make_quota(follow, pg.agencies[0])
    db.session.commit()
    login_user(client, pg.committee)
    page = client.get(f"/meetings/{follow.id}").get_data(as_text=True)
    assert 'id="earlier-progress"' in page and "50,0%" in page


def test_leadership_home_shows_the_progress_panel(client, pg):
    report(pg, pg.poverty_c, realised_value=Decimal("6.00"))
    db.session.commit()
    login_user(client, pg.leadership)
    page = client.get("/").get_data(as_text=True)
    assert 'id="panel-progress"' in page and 'id="panel-overdue"' in page
    login_user(client, pg.delegate)
    assert 'id="panel-progress"' not in client.get("/").get_data(as_text=True)


def test_the_monitoring_report_pdf_and_xlsx(client, pg):
    report(pg, pg.poverty_c, realised_value=Decimal("6.00"), budget_realised=Decimal("625000000"))
    db.session.commit()
    login_user(client, pg.leadership)
    response = client.get(f"/meetings/{pg.meeting.id}/documents/monitoring.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages).split())
    for expected in ("LAPORAN MONITORING KESEPAKATAN", "Rakor Kesepakatan Uji", pg.poverty_c.reference, "50,0%",
                     "Triwulan III 2024", "Rp 625.000.000", "TERLAMBAT LAPOR", "Sesuai rencana"):
        assert expected in text, expected
    workbook = client.get(f"/meetings/{pg.meeting.id}/progress/monitoring.xlsx")
    rows = list(load_workbook(io.BytesIO(workbook.data)).active.values)
    assert rows[0][0] == "Referensi" and any(r[0] == pg.poverty_c.reference and r[9] == "50,0%" for r in rows)


def test_the_overdue_list_exports(client, pg):
    db.session.commit()
    login_user(client, pg.committee)
    page = client.get("/progress/overdue").get_data(as_text=True)
    assert pg.other_c.reference in page
    csv = client.get("/progress/overdue.csv").get_data(as_text=True)
    assert "Periode Wajib Lapor" in csv and pg.other_c.reference in csv and "Triwulan III 2024" in csv


def test_a_regions_commitments_come_a_page_at_a_time(client, pg, monkeypatch):
    from rakor.progress.views import monitoring

    monkeypatch.setattr(monitoring, "REGION_PAGE", 2)
    db.session.commit()
    login_user(client, pg.leadership)
    province = pg.regions[0].parent_id
    first = client.get(f"/progress/regions/{province}").get_data(as_text=True)
    second = client.get(f"/progress/regions/{province}?page=2").get_data(as_text=True)
    shown = [c.reference for c in (pg.poverty_c, pg.ipm_c, pg.rural_c, pg.other_c)]
    on_first = {r for r in shown if r in first}
    on_second = {r for r in shown if r in second}
    assert len(on_first) == len(on_second) == 2 and not on_first & on_second
    assert "4 kesepakatan disepakati" in first  # the total, from the tallies
    assert f'href="/progress/regions/{province}?page=2"' in first


def test_the_meeting_choice_keeps_the_chosen_meeting_beyond_the_newest(pg):
    from rakor.progress import queries

    newer = make_meeting(title="Rakor Lebih Baru", starts_at=datetime(2024, 5, 2, 0, 30, tzinfo=UTC),
                         ends_at=datetime(2024, 5, 2, 8, 0, tzinfo=UTC))
    make_quota(newer, pg.agencies[0])
    commitment_services.create_commitment(newer, data(pg, title="Baru"), pg.committee, status="agreed",
                                          confirm_direction=True)
    assert [m.id for m in queries.meetings_for_filter(pg.leadership, limit=1)] == [newer.id]
    assert [m.id for m in queries.meetings_for_filter(pg.leadership, pg.meeting.id, limit=1)] == [pg.meeting.id]
