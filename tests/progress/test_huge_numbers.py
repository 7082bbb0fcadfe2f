"""Amounts and values of 27 or more digits (issue 19 item 9): every form, the bulk table and both
imports answer with a field error and keep what was typed, never a 500."""
import pytest
from sqlalchemy import func, select

from rakor.commitments import imports as commitment_imports
from rakor.commitments.models import Commitment
from rakor.core.numbers import NumberFormatError, parse_decimal, parse_rupiah
from rakor.extensions import db
from rakor.progress import imports, workdays
from rakor.progress.models import ProgressUpdate
from tests.helpers import csv_bytes, sign_in
from tests.progress.conftest import TODAY

HUGE = ["1" * 27, "9" * 40, "1" * 27 + ",5", "Rp " + "9" * 30, "1" * 26 + " T"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


@pytest.mark.parametrize("text", HUGE)
def test_parsing_a_huge_amount_is_a_format_error_not_invalid_operation(text):
    with pytest.raises(NumberFormatError):
        parse_rupiah(text)
    try:
        parse_decimal(text.removeprefix("Rp ").removesuffix(" T"))
    except NumberFormatError:
        pass


@pytest.mark.parametrize("text", HUGE)
@pytest.mark.parametrize("field", ["budget", "target_value", "baseline_value"])
def test_the_commitment_form_answers_a_field_error(client, pg, text, field):
    db.session.commit()
    sign_in(client, pg.committee)
    form = {"title": "Intervensi gizi", "agency_id": str(pg.agencies[0].id), "indicator_id": str(pg.poverty),
            "target_value": "5,75", "target_date": "2024-12-31", "budget": "1,25 M", "budget_year": "2024",
            field: text}
    before = db.session.scalar(select(func.count(Commitment.id)))
    response = client.post(f"/meetings/{pg.meeting.id}/commitments/new", data=form)
    assert response.status_code == 200
    assert f'value="{text}"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Commitment.id))) == before


@pytest.mark.parametrize("text", HUGE)
@pytest.mark.parametrize("field", ["realised_value", "percent", "budget_realised"])
def test_the_progress_form_and_the_bulk_table_answer_a_field_error(client, pg, text, field):
    db.session.commit()
    sign_in(client, pg.delegate)
    c = pg.rural_c if field == "percent" else pg.poverty_c  # a stated percent: no indicator
    one = f"/meetings/{pg.meeting.id}/commitments/{c.id}/progress/new"
    response = client.post(one, data={"p-period": "Triwulan III 2024", "u-status": "on_track",
                                      f"u-{field}": text})
    assert response.status_code == 200 and f'value="{text}"' in response.get_data(as_text=True)
    table = f"/meetings/{pg.meeting.id}/progress/report?period=2024-Q3"
    response = client.post(table, data={f"c{c.id}-status": "on_track", f"c{c.id}-{field}": text})
    assert response.status_code == 200 and f'value="{text}"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


@pytest.mark.parametrize("text", HUGE)
def test_the_imports_answer_a_field_error(pg, text):
    header = ["Referensi", "Periode", "Realisasi", "Persen Capaian", "Realisasi Anggaran (Rp)", "Status", "Kendala"]
    for column in (2, 3, 4):
        cells = [pg.poverty_c.reference, "2024-Q3", "6", "", "", "Sesuai rencana", ""]
        cells[column] = text
        report, outcome = imports.import_file(csv_bytes([header, cells]), pg.committee,
                                              filename="k.csv", today=TODAY)
        assert outcome is None and not report.ok
    rows = [["Instansi", "Judul", "Anggaran (Rp)"], [pg.agencies[0].name, "Program besar", text]]
    report, outcome = commitment_imports.import_file(pg.meeting, csv_bytes(rows), pg.committee,
                                                     filename="k.csv")
    assert outcome is None and not report.ok and "budget" in report.rows[0].errors, report.problems()
