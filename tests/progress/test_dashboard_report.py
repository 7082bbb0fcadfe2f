"""The dashboard downloads the laporan monitoring of its filters (issue 18, item 6): with no
meeting chosen, a province-wide draft across every meeting of a year (this year by default),
under the kop of the reader's planning agency, with the same sections as a meeting's report;
the XLSX alike; leadership and the committee only; a fixed number of queries; a big one goes to
the document worker."""
import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from rakor.commitments import services as commitment_services
from rakor.extensions import db
from rakor.progress import services, workdays
from tests.commitments.conftest import data
from tests.factories import make_meeting, make_quota
from tests.helpers import pdf_text, sign_in
from tests.progress.conftest import TODAY, update


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


@pytest.fixture
def year(pg):
    """Besides the February meeting (4 commitments, regencies 1 and 2), an August meeting of the
    same year with a commitment of regency 3, and a meeting of the year before."""
    organizer = pg.meeting.organizer_agency_id
    pg.august = make_meeting(organizer_agency_id=organizer, title="Rakor Stunting Agustus",
                             starts_at=datetime(2024, 8, 6, 1, 0, tzinfo=UTC), ends_at=datetime(2024, 8, 6, 8, 0, tzinfo=UTC))
    pg.last_year = make_meeting(organizer_agency_id=organizer, title="Rakor Tahun Lalu",
                                starts_at=datetime(2023, 9, 5, 1, 0, tzinfo=UTC),
                                ends_at=datetime(2023, 9, 5, 8, 0, tzinfo=UTC))
    for meeting in (pg.august, pg.last_year):
        make_quota(meeting, pg.agencies[2])
    pg.august_c = commitment_services.create_commitment(
        pg.august, data(pg, title="Konvergensi stunting desa lokus", agency_id=pg.agencies[2].id,
                        indicator_id=None, target_value=None, programme_code=None, topic_id=pg.rural),
        pg.committee, status="agreed", confirm_direction=True)
    pg.old_c = commitment_services.create_commitment(
        pg.last_year, data(pg, title="Komitmen tahun lalu", agency_id=pg.agencies[2].id,
                           indicator_id=None, target_value=None, programme_code=None, topic_id=pg.rural),
        pg.committee, status="agreed", confirm_direction=True)
    services.report(pg.poverty_c, update(period="2024-Q3", realised_value=Decimal("6.00"),
                                         obstacles="Data sasaran belum padan."), pg.committee, today=TODAY)
    services.report(pg.august_c, update(period="2024-Q3", percent=Decimal("40"),
                                        next_steps="Rembuk stunting di desa lokus."), pg.committee, today=TODAY)
    db.session.commit()
    return pg


def test_the_province_report_of_a_year_covers_every_meeting_of_that_year(client, year):
    pg = year
    sign_in(client, pg.leadership)
    response = client.get("/progress/monitoring.pdf")  # no year: this year (2024)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "laporan-monitoring-2024-provinsi-uji-96.pdf" in response.headers["Content-Disposition"]
    text = pdf_text(response.data)
    assert "LAPORAN MONITORING RENCANA AKSI TAHUN 2024" in text and "Provinsi Uji 96" in text
    assert "PEMERINTAH PROVINSI UJI 96" in text  # the kop of the province's planning agency
    # Both meetings of the year are listed, with their commitments; the year before is not.
    covered = text.split("Rapat yang dicakup")[1].split("Ringkasan Status")[0]
    assert "Rakor Kesepakatan Uji" in covered and "Rakor Stunting Agustus" in covered
    assert "Rakor Tahun Lalu" not in text and pg.old_c.reference not in text
    for c in (pg.poverty_c, pg.ipm_c, pg.rural_c, pg.other_c, pg.august_c):
        assert c.reference in text, c.reference
    # The matrix by regency: the three regencies as rows.
    matrix = text.split("Capaian Kinerja per Wilayah")[1].split("Capaian Kinerja per Topik")[0]
    positions = [matrix.index(r.name) for r in pg.regions]
    assert positions == sorted(positions)
    # Realisation, kendala/rekomendasi, closing and attachments as in a meeting's report.
    for section in ("Realisasi Fisik dan Keuangan per Wilayah", "Kendala dan Rekomendasi per Wilayah", "Penutup",
                    "RINCIAN PER WILAYAH", "KESEPAKATAN YANG TERLAMBAT LAPOR"):
        assert section in text, section
    narrative = text.split("Kendala dan Rekomendasi per Wilayah")[1].split("Penutup")[0]
    assert "Data sasaran belum padan." in narrative and "Rembuk stunting di desa lokus." in narrative
    assert "rencana aksi tahun 2024 Provinsi Uji 96" in text
    # A draft: no number, nothing signed.
    assert "DRAF" in text and "nomor diberikan saat laporan diterbitkan" in text


def test_a_chosen_year_and_topic_narrow_the_report(client, year):
    pg = year
    sign_in(client, pg.leadership)
    text = pdf_text(client.get(f"/progress/monitoring.pdf?year=2023&topic={pg.rural}").data)
    assert "LAPORAN MONITORING RENCANA AKSI TAHUN 2023" in text
    assert pg.old_c.reference in text and pg.august_c.reference not in text and pg.poverty_c.reference not in text
    head = text.split("Rapat yang dicakup")[0]  # the filters are named in the report's head
    assert "Topik" in head and "Kawasan Perdesaan" in head and "Provinsi Uji 96" in head


def test_the_workbook_has_a_row_per_commitment_of_the_year_and_names_its_meeting(client, year):
    pg = year
    sign_in(client, pg.committee)
    response = client.get("/progress/monitoring.xlsx?year=2024")
    assert response.status_code == 200
    assert "laporan-monitoring-2024-provinsi-uji-96.xlsx" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    assert rows[0][0] == "Referensi" and rows[0][-1] == "Rapat"
    by_reference = {r[0]: r for r in rows[1:]}
    assert set(by_reference) == {c.reference for c in (pg.poverty_c, pg.ipm_c, pg.rural_c, pg.other_c, pg.august_c)}
    assert by_reference[pg.poverty_c.reference][9] == "50,0%"
    assert by_reference[pg.august_c.reference][2] == pg.regions[2].name
    assert by_reference[pg.august_c.reference][-1].startswith("Rakor Stunting Agustus (6 Agustus 2024")


def test_a_delegate_gets_403(client, year):
    sign_in(client, year.delegate)
    assert client.get("/progress/monitoring.pdf").status_code == 403
    assert client.get("/progress/monitoring.xlsx?year=2024").status_code == 403
    assert client.get(f"/progress/monitoring.pdf?meeting={year.meeting.id}&region={year.regions[0].id}").status_code == 403


def test_unknown_formats_meetings_and_regions_are_not_found(client, year):
    sign_in(client, year.leadership)
    assert client.get("/progress/monitoring.doc").status_code == 404
    assert client.get("/progress/monitoring.pdf?meeting=987654").status_code == 404
    assert client.get("/progress/monitoring.xlsx?region=987654").status_code == 404
    assert client.get("/progress/monitoring.xlsx?year=1066").status_code == 200  # out of range: this year


def test_the_dashboard_offers_the_report_of_its_filters(client, year):
    pg = year
    sign_in(client, pg.leadership)
    province = pg.regions[0].parent_id
    page = client.get("/progress").get_data(as_text=True)
    link = page.split('id="download-monitoring-scope"')[1].split(">")[0]
    assert "/progress/monitoring.pdf?" in link and f"region={province}" in link and "year=2024" in link
    assert "Laporan monitoring 2024 (PDF)" in page and 'id="download-monitoring"' not in page
    national = client.get("/progress?region=all&year=2023").get_data(as_text=True)
    link = national.split('id="download-monitoring-scope-xlsx"')[1].split(">")[0]
    assert "region=all" in link and "year=2023" in link
    # Only a meeting chosen: that meeting's own report (the one that is issued).
    meeting_page = client.get(f"/progress?meeting={pg.meeting.id}").get_data(as_text=True)
    assert 'id="download-monitoring"' in meeting_page and 'id="download-monitoring-scope"' not in meeting_page
    # A meeting and a region: the meeting's own report, and that part of the meeting.
    part = client.get(f"/progress?meeting={pg.meeting.id}&region={pg.regions[0].id}").get_data(as_text=True)
    assert 'id="download-monitoring"' in part and "Laporan untuk filter ini (PDF)" in part
    link = re.search(r'id="download-monitoring-scope" download href="([^"]+)"', part).group(1).replace("&amp;", "&")
    assert f"meeting={pg.meeting.id}" in link and f"region={pg.regions[0].id}" in link
    text = pdf_text(client.get(link).data)
    assert "LAPORAN MONITORING KESEPAKATAN Rakor Kesepakatan Uji" in text
    assert pg.poverty_c.reference in text and pg.other_c.reference not in text


def test_the_year_filter_narrows_the_dashboard(client, year):
    sign_in(client, year.leadership)
    assert '<div class="fs-3" id="figure-total">6</div>' in client.get("/progress").get_data(as_text=True)
    assert '<div class="fs-3" id="figure-total">5</div>' in client.get("/progress?year=2024").get_data(as_text=True)
    page = client.get("/progress?year=2023").get_data(as_text=True)
    assert '<div class="fs-3" id="figure-total">1</div>' in page and '<option value="2023" selected>' in page


def test_the_report_costs_a_fixed_number_of_queries(client, year, count_queries):
    pg = year
    sign_in(client, pg.leadership)
    client.get("/progress/monitoring.xlsx")  # warm-up: the user's row, caches
    with count_queries() as few:
        assert client.get("/progress/monitoring.pdf").status_code == 200
        assert client.get("/progress/monitoring.xlsx").status_code == 200
    more = make_meeting(organizer_agency_id=pg.meeting.organizer_agency_id, title="Rakor Juli",
                        starts_at=datetime(2024, 7, 2, 1, 0, tzinfo=UTC), ends_at=datetime(2024, 7, 2, 8, 0, tzinfo=UTC))
    for agency in pg.agencies:
        make_quota(more, agency)
        for i in range(2):
            c = commitment_services.create_commitment(more, data(pg, title=f"Tambahan {agency.id}-{i}",
                                                                 agency_id=agency.id, baseline_value=Decimal("6.25")), pg.committee,
                                                      status="agreed", confirm_direction=True)
            services.report(c, update(period="2024-Q3", realised_value=Decimal("6.1")), pg.committee, today=TODAY)
    db.session.commit()
    with count_queries() as many:
        assert client.get("/progress/monitoring.pdf").status_code == 200
        assert client.get("/progress/monitoring.xlsx").status_code == 200
    assert many() == few()


def test_without_a_queue_a_big_report_renders_in_the_request(client, year, queue_config):
    queue_config(None, threshold=1)
    sign_in(client, year.leadership)
    response = client.get("/progress/monitoring.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"


def test_a_big_report_goes_to_the_document_worker(client, year, redis_queue):
    from rakor.documents import jobs

    connection, _name = redis_queue  # threshold 3 rows; the report prints more
    sign_in(client, year.leadership)
    waiting = client.get("/progress/monitoring.pdf")
    assert waiting.status_code == 200 and waiting.mimetype == "text/html"
    assert "Dokumen sedang disiapkan" in waiting.get_data(as_text=True)
    assert jobs.document_queue(connection).count == 1
