"""Realisasi fisik (physical realisation, %) beside realisasi keuangan: the service's rule (0-100,
outside only once confirmed, never below 0), the form, the import (Indonesian and English
headers) and the export that re-imports."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.progress import exports, imports, services, workdays
from rakor.progress.models import ProgressUpdate
from rakor.progress.services import UnconfirmedPercentError
from tests.helpers import csv_bytes, sign_in, xlsx_bytes
from tests.progress.conftest import TODAY, update


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def report(pg, commitment, confirm_percent=False, **fields):
    return services.report(commitment, update(period="2024-Q3", **fields), pg.committee, today=TODAY,
                           confirm_percent=confirm_percent)


def test_physical_realisation_is_stored_beside_the_budget(pg):
    u = report(pg, pg.poverty_c, realised_value=Decimal("6"), physical_percent=Decimal("62.5"),
               budget_realised=Decimal("500000000")).update
    assert u.physical_percent == Decimal("62.50") and u.budget_realised == Decimal("500000000")
    again = report(pg, pg.poverty_c, realised_value=Decimal("6"), physical_percent=Decimal("70"),
                   budget_realised=Decimal("500000000"))
    assert again.created and again.update.revision == 2  # a changed physical figure is a revision


def test_physical_realisation_above_100_needs_the_confirmation_and_below_0_is_refused(pg):
    with pytest.raises(UnconfirmedPercentError) as e:
        report(pg, pg.poverty_c, realised_value=Decimal("6"), physical_percent=Decimal("110"))
    assert e.value.field == "physical_percent" and "110" in str(e.value.message)
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0
    u = report(pg, pg.poverty_c, realised_value=Decimal("6"), physical_percent=Decimal("110"),
               confirm_percent=True).update
    assert u.physical_percent == Decimal("110.00")
    with pytest.raises(DomainError) as e:
        report(pg, pg.ipm_c, realised_value=Decimal("71"), physical_percent=Decimal("-5"), confirm_percent=True)
    assert e.value.field == "physical_percent"


def test_one_confirmation_names_every_percent_outside_0_to_100(pg):
    with pytest.raises(UnconfirmedPercentError) as e:
        report(pg, pg.rural_c, percent=Decimal("250"), physical_percent=Decimal("120"))
    message = str(e.value.message)
    assert "250" in message and "120" in message


@pytest.mark.parametrize("header", ["Realisasi Fisik (%)", "realisasi fisik", "Progres Fisik",
                                    "Physical realisation (%)", "physical progress"])
def test_the_import_reads_physical_realisation_in_indonesian_or_english(pg, header):
    rows = [["Referensi", "Periode", "Realisasi", header, "Status"],
            [pg.poverty_c.reference, "Triwulan III 2024", "6,00", "62,5 %", "Sesuai rencana"]]
    result, outcome = imports.import_file(csv_bytes(rows), pg.committee, filename="kemajuan.csv", today=TODAY)
    assert result.ok, result.problems()
    assert db.session.scalar(select(ProgressUpdate.physical_percent)) == Decimal("62.50")


def test_an_imported_physical_realisation_above_100_waits_for_the_confirmation(pg):
    rows = [["Referensi", "Periode", "Realisasi", "Realisasi Fisik (%)", "Status"],
            [pg.poverty_c.reference, "2024-Q3", "6", "110", "Selesai"],
            [pg.ipm_c.reference, "2024-Q3", "71", "-3", "Selesai"]]
    result, outcome = imports.import_file(xlsx_bytes(rows), pg.committee, filename="k.xlsx", today=TODAY)
    assert outcome is None
    assert "physical_percent" in result.rows[0].errors and result.rows[0].confirm
    assert "physical_percent" in result.rows[1].errors and not result.rows[1].confirm
    assert not imports.needs_confirmation(result)  # below 0 cannot be confirmed away
    rows[2][3] = "fisik"
    result, _ = imports.import_file(xlsx_bytes(rows), pg.committee, filename="k.xlsx", today=TODAY)
    assert result.rows[1].errors["physical_percent"]  # not a number


def test_the_export_carries_physical_realisation_and_reimports_unchanged(pg):
    report(pg, pg.poverty_c, realised_value=Decimal("6"), physical_percent=Decimal("45.5"))
    content = exports.export(pg.meeting.id, "csv")
    text = content.decode("utf-8-sig")
    assert "Realisasi Fisik (%)" in text and "45,5" in text
    result, outcome = imports.import_file(content, pg.committee, filename="k.csv", today=TODAY)
    assert result.ok and outcome["unchanged"] == 1


def test_the_quarterly_table_takes_physical_realisation_and_asks_to_confirm_110(client, pg):
    db.session.commit()
    sign_in(client, pg.delegate)
    url = f"/meetings/{pg.meeting.id}/progress/report?period=2024-Q3"
    page = client.get(url).get_data(as_text=True)
    assert f'name="c{pg.poverty_c.id}-physical_percent"' in page
    form = {"csrf_token": "", f"c{pg.poverty_c.id}-realised_value": "6,00",
            f"c{pg.poverty_c.id}-physical_percent": "110", f"c{pg.poverty_c.id}-status": "on_track"}
    page = client.post(url, data=form).get_data(as_text=True)
    assert "110" in page and "100" in page and f'name="c{pg.poverty_c.id}-confirm_percent"' in page
    assert 'value="110"' in page  # what was typed is kept
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0
    form[f"c{pg.poverty_c.id}-confirm_percent"] = "y"
    assert client.post(url, data=form).status_code == 302
    assert db.session.scalar(select(ProgressUpdate.physical_percent)) == Decimal("110.00")
