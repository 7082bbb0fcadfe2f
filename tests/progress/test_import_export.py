"""Import of progress updates (CSV/XLSX, the shared engine), the export that re-imports, the CLI."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rakor.extensions import db
from rakor.progress import exports, imports, services, workdays
from rakor.progress.models import ProgressUpdate
from tests.helpers import csv_bytes, xlsx_bytes
from tests.progress.conftest import TODAY, update

HEADER = ["Referensi", "Periode", "Realisasi", "Persen Capaian", "Realisasi Anggaran (Rp)", "Status", "Kendala"]


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def run(content, user, filename="kemajuan.csv", **kwargs):
    return imports.import_file(content, user, filename=filename, today=TODAY, **kwargs)


def test_rows_are_matched_by_reference_and_written_all_or_nothing(pg):
    rows = [HEADER,
            [pg.poverty_c.reference.lower() + " ", "Triwulan III 2024", "6,00", "", "Rp 625.000.000", "Sesuai rencana", ""],
            [pg.ipm_c.reference, "2024-Q3", "71.5", "", "", "berisiko", "Data BPS belum rilis"],
            [pg.rural_c.reference, "TW III 2024", "", "40", "", "terlambat", ""]]
    report, outcome = run(csv_bytes(rows), pg.committee)
    assert report.ok, report.problems()
    assert outcome["create"] == 3
    percents = dict(db.session.execute(select(ProgressUpdate.commitment_id, ProgressUpdate.percent_achieved)).all())
    assert percents == {pg.poverty_c.id: Decimal("50.00"), pg.ipm_c.id: Decimal("75.00"),
                        pg.rural_c.id: Decimal("40.00")}


@pytest.mark.parametrize(("cells", "column"), [
    (["RK-2099-9999-00.00-01", "2024-Q3", "6", "", "", "Sesuai rencana", ""], "reference"),
    (["{poverty}", "2023-Q4", "6", "", "", "Sesuai rencana", ""], "period"),
    (["{poverty}", "2025-Q2", "6", "", "", "Sesuai rencana", ""], "period"),
    (["{poverty}", "2024-Q3", "enam", "", "", "Sesuai rencana", ""], "realised_value"),
    (["{poverty}", "2024-Q3", "6", "", "", "hampir", ""], "status"),
    (["{rural}", "2024-Q3", "", "250", "", "Selesai", ""], "percent"),
    (["{other}", "2024-Q3", "65,5", "", "", "Selesai", ""], "reference"),
])
def test_bad_rows_are_reported_and_nothing_is_written(pg, cells, column):
    refs = {"poverty": pg.poverty_c.reference, "rural": pg.rural_c.reference, "other": pg.other_c.reference}
    cells = [c.format(**refs) for c in cells]
    good = [pg.ipm_c.reference, "2024-Q3", "71", "", "", "Sesuai rencana", ""]
    report, outcome = run(csv_bytes([HEADER, good, cells]), pg.delegate)
    assert outcome is None and not report.ok
    assert column in report.rows[1].errors, report.problems()
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_a_stated_250_percent_passes_with_the_confirmation(pg):
    rows = [HEADER, [pg.rural_c.reference, "2024-Q3", "", "250", "", "Selesai", ""]]
    report, _ = run(csv_bytes(rows), pg.delegate)
    assert imports.needs_confirmation(report)
    report, outcome = run(csv_bytes(rows), pg.delegate, confirm_percent=True)
    assert outcome["create"] == 1


def test_the_same_period_twice_in_a_file_is_refused_and_a_second_import_is_a_revision(pg):
    row = [pg.poverty_c.reference, "2024-Q3", "6,10", "", "", "Berisiko", ""]
    report, _ = run(csv_bytes([HEADER, row, row]), pg.committee)
    assert "period" in report.rows[1].errors
    run(csv_bytes([HEADER, row]), pg.committee)
    report, outcome = run(xlsx_bytes([HEADER, [pg.poverty_c.reference, "2024-Q3", "6.00", "", "", "Berisiko", ""]]),
                          pg.committee, filename="kemajuan.xlsx")
    assert outcome["revise"] == 1
    assert db.session.scalars(select(ProgressUpdate.revision).order_by(ProgressUpdate.id)).all() == [1, 2]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_reimports_without_changes(pg, fmt):
    services.report(pg.poverty_c, update(period="2024-Q3", realised_value=Decimal("6"), budget_realised=Decimal("1500"),
                                         narrative="=SUM(A1)"), pg.committee, today=TODAY)
    services.report(pg.rural_c, update(period="2024-Q2", percent=Decimal("33.5"), status="late"), pg.committee,
                    today=TODAY)
    content = exports.export(pg.meeting.id, fmt)
    report, outcome = run(content, pg.committee, filename=f"kemajuan.{fmt}")
    assert report.ok, report.problems()
    assert outcome["unchanged"] == 2 and outcome["create"] == outcome["revise"] == 0
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 2


def test_the_cli_imports_and_exports(app, pg, tmp_path):
    db.session.commit()
    good = tmp_path / "kemajuan.csv"
    good.write_bytes(csv_bytes([HEADER, [pg.poverty_c.reference, "2024-Q3", "6,00", "", "", "Sesuai rencana", ""]]))
    bad = tmp_path / "salah.csv"
    bad.write_bytes(csv_bytes([HEADER, [pg.poverty_c.reference, "2030-Q1", "6,00", "", "", "Sesuai rencana", ""]]))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["progress", "import", str(bad)])
    assert result.exit_code == 1 and "Nothing was imported" in result.output
    result = runner.invoke(args=["progress", "import", str(good), "--dry-run"])
    assert result.exit_code == 0 and "Dry run: 1 new" in result.output
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0
    result = runner.invoke(args=["progress", "import", str(good)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "kemajuan.xlsx"
    result = runner.invoke(args=["progress", "export", "--meeting", str(pg.meeting.id), "-o", str(out)])
    assert result.exit_code == 0 and "1 updates" in result.output and out.read_bytes()[:2] == b"PK"
    assert runner.invoke(args=["progress", "export", "-o", str(tmp_path / "x.txt")]).exit_code == 2


def test_the_web_import_previews_then_imports(client, pg):
    import io

    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = pg.delegate.get_id()
        sess["_fresh"] = True
    content = csv_bytes([HEADER, [pg.poverty_c.reference, "2024-Q3", "6,00", "", "", "Sesuai rencana", ""]])
    page = client.post("/progress/import", data={"file": (io.BytesIO(content), "k.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert 'id="import-ready"' in page
    token = page.split('name="token" type="hidden" value="')[1].split('"')[0]
    assert client.post("/progress/import/confirm", data={"token": token, "import": "1"}).status_code == 302
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 1


def test_another_agencys_reference_reads_exactly_as_an_unknown_one(pg):
    """Issue 19 item 12: a delegate cannot learn from the answer that another agency's (draft or
    agreed) commitment exists."""
    from rakor.commitments import services as commitment_services
    from tests.commitments.conftest import data

    draft = commitment_services.create_commitment(pg.meeting, data(pg, agency_id=pg.agencies[1].id,
                                                                   title="Draf instansi lain"), pg.committee)
    answers = []
    for reference in ("RK-2099-9999-00.00-01", pg.other_c.reference, draft.reference):
        report, outcome = run(csv_bytes([HEADER, [reference, "2024-Q3", "6", "", "", "Sesuai rencana", ""]]),
                              pg.delegate)
        assert outcome is None
        answers.append(str(report.rows[0].errors["reference"]).replace(reference, "<ref>"))
    assert answers[0] == answers[1] == answers[2], answers


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_confirmed_percents_re_imports_without_the_flag(pg, fmt):
    """Issue 19 item 5: -15 % and 110 % were confirmed when reported; the export re-imports as
    it is without --confirm-percent, and a changed row outside 0-100 still needs it."""
    services.report(pg.rural_c, update(period="2024-Q2", percent=Decimal("-15"), status="late"), pg.committee,
                    confirm_percent=True, today=TODAY)
    services.report(pg.rural_c, update(period="2024-Q3", percent=Decimal("110"), status="done"), pg.committee,
                    confirm_percent=True, today=TODAY)
    content = exports.export(pg.meeting.id, fmt)
    report, outcome = run(content, pg.committee, filename=f"kemajuan.{fmt}")
    assert report.ok, report.problems()
    assert outcome["unchanged"] == 2 and outcome["create"] == outcome["revise"] == 0
    changed = [HEADER, [pg.rural_c.reference, "2024-Q3", "", "120", "", "Selesai", ""]]
    report, _ = run(csv_bytes(changed), pg.committee)
    assert imports.needs_confirmation(report)
