"""`flask --app wsgi indicators load FILE.csv`: official baselines, idempotent and all or nothing."""
from decimal import Decimal

from sqlalchemy import func, select

from rakor.commitments.models import IndicatorBaseline
from rakor.extensions import db
from tests.factories import make_region, topic_id


def baselines():
    return {(b.region_id, b.topic_id, b.year): (b.value, b.source) for b in
            db.session.scalars(select(IndicatorBaseline))}


def load(app, tmp_path, text, name="baseline.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return app.test_cli_runner().invoke(args=["indicators", "load", str(path)])


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
    for problem in ("line 3: unknown region code '99.77'", "line 4: unknown indicator 'ANGKA_AJAIB'",
                    "line 5: year 'dua ribu'", "line 6: value 'tujuh puluh' is not a number",
                    "line 7: the same region, indicator and year as line 2"):
        assert problem in result.output
    assert db.session.scalar(select(func.count(IndicatorBaseline.id))) == 0


def test_a_file_without_the_columns_or_not_utf8_is_refused(app, db, tmp_path):
    missing = load(app, tmp_path, "wilayah;tahun\n63.02;2023\n")
    assert missing.exit_code == 1 and "missing column(s): indicator, value" in missing.output
    latin1 = load(app, tmp_path, "kode wilayah;kode indikator;tahun;nilai\n63.02;IPM;2023;7\xe9\n".encode("latin-1"))
    assert latin1.exit_code == 1 and "not UTF-8" in latin1.output
    assert db.session.scalar(select(func.count(IndicatorBaseline.id))) == 0
