"""Official baselines: the one reader (rakor/commitments/baselines.py) behind `flask --app wsgi
indicators load FILE` and the admin's upload page; idempotent and all or nothing."""
from decimal import Decimal

from sqlalchemy import func, select

from rakor.commitments import baselines as service
from rakor.commitments.models import IndicatorBaseline
from rakor.extensions import db
from tests.factories import make_region, topic_id
from tests.helpers import xlsx_bytes


def baselines():
    return {(b.region_id, b.topic_id, b.year): (b.value, b.source) for b in
            db.session.scalars(select(IndicatorBaseline))}


def total():
    return db.session.scalar(select(func.count(IndicatorBaseline.id)))


def load(app, tmp_path, text, name="baseline.csv", *options):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return app.test_cli_runner().invoke(args=["indicators", "load", str(path), *options])


def test_loads_by_kemendagri_or_bps_code_with_either_decimal_mark_and_again_changes_nothing(app, db, tmp_path):
    kotabaru = make_region(kemendagri_code="99.02", bps_code="9902", name="Kotabaru Uji")
    db.session.commit()
    text = ("kode wilayah;kode indikator;tahun;nilai;sumber\n"
            "99.02;KEMISKINAN;2023;4,37;BPS\n"
            "9902;STUNTING;2022;24.9;SSGI\n"
            "99.02;ipm;2023;70,47;\n")
    result = load(app, tmp_path, text)
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.output
    found = baselines()
    assert found[(kotabaru.id, topic_id("KEMISKINAN"), 2023)] == (Decimal("4.37"), "BPS")
    assert found[(kotabaru.id, topic_id("STUNTING"), 2022)][0] == Decimal("24.9")
    assert found[(kotabaru.id, topic_id("IPM"), 2023)][1]  # the indicator's default source
    again = load(app, tmp_path, text)
    assert "0 created, 0 updated, 3 unchanged" in again.output and baselines() == found
    corrected = load(app, tmp_path, text.replace("4,37", "4,12"))
    assert "0 created, 1 updated, 2 unchanged" in corrected.output
    assert baselines()[(kotabaru.id, topic_id("KEMISKINAN"), 2023)][0] == Decimal("4.12")


def test_a_dry_run_writes_nothing(app, db, tmp_path):
    make_region(kemendagri_code="99.04", bps_code="9904")
    db.session.commit()
    result = load(app, tmp_path, "kode wilayah,kode indikator,tahun,nilai\n99.04,IPM,2023,70\n", "b.csv", "--dry-run")
    assert result.exit_code == 0 and "1 created" in result.output and total() == 0


def test_one_bad_row_loads_nothing_and_names_every_problem(app, db, tmp_path):
    make_region(kemendagri_code="99.03", bps_code="9903")
    db.session.commit()
    text = ("region code,indicator code,year,value,source\n"
            "99.03,KEMISKINAN,2023,4.37,BPS\n"
            "99.77,KEMISKINAN,2023,4.37,BPS\n"
            "99.03,ANGKA_AJAIB,2023,1,BPS\n"
            "99.03,STUNTING,dua ribu,1,BPS\n"
            "99.03,IPM,2023,tujuh puluh,BPS\n"
            "99.03,KEMISKINAN,2023,4.40,BPS\n")
    result = load(app, tmp_path, text)
    assert result.exit_code == 1
    lines = {line.split()[1]: line for line in result.output.splitlines() if line.startswith("line")}
    assert "ERROR" not in lines["2"] and all("ERROR" in lines[n] for n in "34567")
    for problem in ('"99.77"', '"ANGKA_AJAIB"', "KEMISKINAN, ", "antara 1990 dan 2100", "Tulis angka",
                    "sudah ada di baris 2"):
        assert problem in result.output, problem
    assert "Nothing was imported." in result.output
    assert total() == 0


def test_a_file_without_the_columns_or_not_a_table_is_refused(app, db, tmp_path):
    missing = load(app, tmp_path, "wilayah;tahun\n63.02;2023\n")
    assert missing.exit_code == 1 and "Baris judul kolom tidak ditemukan" in missing.output
    pdf = load(app, tmp_path, b"%PDF-1.4 bukan tabel", "b.pdf")
    assert pdf.exit_code == 1 and "PDF" in pdf.output
    assert total() == 0


# --- the reader itself ------------------------------------------------------------------------

def test_the_reader_reads_xlsx_with_numbers_as_excel_stores_them(app, db):
    region = make_region(kemendagri_code="99.05", bps_code="9905")
    db.session.commit()
    content = xlsx_bytes([["Kode Wilayah", "Kode Indikator", "Tahun", "Nilai", "Sumber"],
                          [9905, "STUNTING", 2022, 24.9, "SSGI 2022"],
                          ["99.05", "Indeks Pembangunan Manusia (IPM)", 2023.0, 70, None]])
    report, outcome = service.import_file(content, filename="bps.xlsx")
    assert report.ok, report.problems()
    assert report.kind == "xlsx" and outcome.created == 2
    found = baselines()
    assert found[(region.id, topic_id("STUNTING"), 2022)] == (Decimal("24.9"), "SSGI 2022")
    assert found[(region.id, topic_id("IPM"), 2023)][0] == Decimal(70)


def test_the_preview_says_what_each_row_does_and_writes_nothing(app, db):
    region = make_region(kemendagri_code="99.06", bps_code="9906")
    db.session.add(IndicatorBaseline(region_id=region.id, topic_id=topic_id("IPM"), year=2023,
                                     value=Decimal("70.1"), source="BPS"))
    db.session.commit()
    report = service.preview(b"kode wilayah;kode indikator;tahun;nilai;sumber\n"
                             b"99.06;IPM;2023;70,1;BPS\n99.06;IPM;2022;69;BPS\n99.06;KEMISKINAN;2023;5;BPS\n"
                             b"99.06;IPM;2023;70,1;BPS Kalsel\n")
    assert not report.ok  # line 5 repeats line 2's region, indicator and year
    assert [r.status for r in report.rows] == ["ok", "ok", "ok", "error"]
    report = service.preview(b"kode wilayah;kode indikator;tahun;nilai;sumber\n"
                             b"99.06;IPM;2023;70,1;BPS\n99.06;IPM;2022;69;BPS\n99.06;KEMISKINAN;2023;5;BPS Kalsel\n")
    assert report.ok and [r.action for r in report.rows] == ["unchanged", "create", "create"]
    report = service.preview(b"kode wilayah;kode indikator;tahun;nilai\n99.06;IPM;2023;70,2\n")
    assert report.rows[0].action == "update"
    db.session.rollback()
    assert total() == 1


def test_a_value_too_large_or_a_source_too_long_is_an_error_of_its_row(app, db):
    make_region(kemendagri_code="99.07", bps_code="9907")
    db.session.commit()
    report = service.preview(("kode wilayah;kode indikator;tahun;nilai;sumber\n"
                              "99.07;IPM;2023;12345678901;BPS\n"
                              f"99.07;IPM;2022;1;{'x' * 201}\n"
                              "99.07;IPM;1989;1;BPS\n").encode())
    assert set(report.rows[0].errors) == {"value"} and set(report.rows[1].errors) == {"source"}
    assert set(report.rows[2].errors) == {"year"}


def test_edit_one_value(app, db):
    region = make_region(kemendagri_code="99.08", bps_code="9908")
    baseline = IndicatorBaseline(region_id=region.id, topic_id=topic_id("IPM"), year=2023, value=Decimal(70),
                                 source="Nilai demo", is_demo=True)
    db.session.add(baseline)
    db.session.flush()
    service.update_baseline(baseline, Decimal("70.5"), "  BPS  ")
    assert (baseline.value, baseline.source, baseline.is_demo) == (Decimal("70.5"), "BPS", False)
