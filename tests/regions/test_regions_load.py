from pathlib import Path

import pytest
from sqlalchemy import func, select

from rakor.demo import REGIONS_FILE
from rakor.regions.models import Agency, Region
from rakor.regions.services import (
    RegionFileError,
    ensure_planning_agencies,
    find_region_by_code,
    load_regions,
    read_region_csv,
)

HEADER = "kemendagri_code,bps_code,name,kind\n"


def count(model):
    from rakor.extensions import db

    return db.session.scalar(select(func.count(model.id)))


def test_shipped_file_has_province_63_and_its_13_regencies_and_cities(db):
    report = load_regions(read_region_csv(REGIONS_FILE.read_bytes()))
    assert report.created == 14
    kotabaru = find_region_by_code("63.02")
    assert kotabaru.name == "Kabupaten Kotabaru" and kotabaru.bps_code == "6302"
    assert kotabaru.parent.kemendagri_code == "63"
    assert find_region_by_code("6372").name == "Kota Banjarbaru"
    children = db.session.scalar(select(func.count(Region.id)).where(Region.kemendagri_code.like("63.%")))
    assert children == 13


def test_loading_twice_updates_by_code_never_duplicates(db):
    load_regions(read_region_csv(REGIONS_FILE.read_bytes()))
    before = count(Region)
    changed = REGIONS_FILE.read_text().replace("Kabupaten Tapin", "Kabupaten Tapin Baru").encode()
    report = load_regions(read_region_csv(changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 13)
    assert count(Region) == before
    assert find_region_by_code("63.05").name == "Kabupaten Tapin Baru"


def test_another_province_loads_the_same_way(db):
    data = (HEADER + "64,64,Kalimantan Timur,provinsi\n64.72,6472,Kota Samarinda,kota\n"
            "\n64.01,6401,Kabupaten Paser,kabupaten\n").encode("utf-8-sig")
    report = load_regions(read_region_csv(data))
    assert report.created == 3
    assert ensure_planning_agencies("64") == 3
    assert ensure_planning_agencies("64") == 0
    names = set(db.session.scalars(select(Agency.name)))
    assert {"Bappeda Provinsi Kalimantan Timur", "Bappeda Kota Samarinda"} <= names


@pytest.mark.parametrize("rows,fragment", [
    ("65.1,651,X,kabupaten\n", "not NN or NN.NN"),
    ("65,65,,provinsi\n", "name is empty"),
    ("65,65,X,desa\n", "kind 'desa'"),
    ("65.01,65x1,X,kabupaten\n", "bps_code"),
    ("66.01,6601,X,kabupaten\n", "province 66"),
    ("65,65,P,provinsi\n65,65,P,provinsi\n", "already on line 2"),
])
def test_bad_rows_change_nothing_and_are_named(db, rows, fragment):
    before = count(Region)
    with pytest.raises(RegionFileError) as err:
        load_regions(read_region_csv((HEADER + "65,65,Kalimantan Utara,provinsi\n" * 0 + rows).encode()))
    assert fragment in str(err.value)
    assert count(Region) == before


def test_missing_column_is_refused(db):
    with pytest.raises(RegionFileError, match="missing column"):
        read_region_csv(b"code,name\n63,X\n")


def test_cli_load_is_idempotent_and_reports(app, db, tmp_path: Path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["regions", "load", str(REGIONS_FILE)])
    assert result.exit_code == 0, result.output
    assert "14 created" in result.output and "planning agencies created: 14" in result.output
    result = runner.invoke(args=["regions", "load", str(REGIONS_FILE)])
    assert "0 created, 0 updated, 14 unchanged" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(args=["regions", "load", str(bad)])
    assert result.exit_code != 0 and "Nothing was loaded" in result.output
