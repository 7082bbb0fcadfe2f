"""Region abbreviations (issue 12): shipped in the region file, loaded idempotently, kept when
the file is loaded again, extended by the administrator with checks."""
import pytest
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.demo import REGIONS_FILE
from rakor.extensions import db
from rakor.regions.models import Region
from rakor.regions.services import (
    find_region_by_code,
    load_regions,
    read_region_csv,
    set_region_abbreviations,
)

HEADER = "kemendagri_code,bps_code,name,kind,abbreviations\n"


def load_shipped():
    return load_regions(read_region_csv(REGIONS_FILE.read_bytes()))


def test_the_shipped_file_carries_the_customary_short_forms(db):
    load_shipped()
    expected = {"63.01": ["Tala"], "63.04": ["Batola"], "63.06": ["HSS"], "63.07": ["HST"],
                "63.08": ["HSU"], "63.10": ["Tanbu"], "63.71": ["Bjm"], "63.72": ["Bjb"], "63": ["Kalsel"]}
    for code, aliases in expected.items():
        assert find_region_by_code(code).aliases == aliases, code
    assert find_region_by_code("63.05").aliases == []  # Tapin is written as it is


def test_loading_again_changes_nothing_and_keeps_the_administrators_additions(db):
    load_shipped()
    # 'Kab. HSU' is HSU already (the prefix is ignored when matching): kept once.
    set_region_abbreviations(find_region_by_code("63.08"), "HSU, Kab. HSU, Amuntai Raya")
    report = load_shipped()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 14)
    assert find_region_by_code("63.08").aliases == ["HSU", "Amuntai Raya"]
    # A file that adds one joins it to the existing ones.
    report = load_regions(read_region_csv((HEADER + "63.08,6308,Kabupaten Hulu Sungai Utara,kabupaten,"
                                           "HSU|Hulu Sungai Utara Raya\n").encode()))
    assert report.updated == 1
    assert find_region_by_code("63.08").aliases == ["HSU", "Amuntai Raya", "Hulu Sungai Utara Raya"]


def test_a_file_without_the_column_leaves_abbreviations_alone(db):
    load_shipped()
    report = load_regions(read_region_csv(b"kemendagri_code,bps_code,name,kind\n"
                                          b"63.08,6308,Kabupaten Hulu Sungai Utara,kabupaten\n"))
    assert report.unchanged == 1 and find_region_by_code("63.08").aliases == ["HSU"]


def test_a_bad_abbreviation_in_the_file_loads_nothing(db):
    from rakor.regions.services import RegionFileError

    with pytest.raises(RegionFileError) as err:
        load_regions(read_region_csv((HEADER + "64,64,Kalimantan Timur,provinsi," + "x" * 41 + "\n").encode()))
    assert "abbreviations" in str(err.value)
    assert db.session.scalar(select(Region).where(Region.kemendagri_code == "64")) is None


def test_the_administrator_cannot_give_a_short_form_that_names_another_region(db):
    load_shipped()
    tapin = find_region_by_code("63.05")
    for text in ("HSU", "Banjar", "Kab. Batola"):
        with pytest.raises(DomainError) as err:
            set_region_abbreviations(tapin, f"Rantau, {text}")
        assert err.value.field == "abbreviations"
    with pytest.raises(DomainError):
        set_region_abbreviations(tapin, "x" * 41)
    set_region_abbreviations(tapin, "Rantau | Tapin Raya\nrantau")
    assert tapin.aliases == ["Rantau", "Tapin Raya"]


def test_admin_page_edits_abbreviations(client, login_as, kalsel):
    login_as("admin")
    db.session.commit()
    tapin = find_region_by_code("63.05")
    html = client.get("/admin/regions?province=63").get_data(as_text=True)
    assert "Batola" in html and f"/admin/regions/{tapin.id}/abbreviations" in html
    response = client.post(f"/admin/regions/{tapin.id}/abbreviations", data={"abbreviations": "Rantau, HSU"})
    assert response.status_code == 200 and "sudah dipakai untuk Kabupaten Hulu Sungai Utara" in response.get_data(as_text=True)
    response = client.post(f"/admin/regions/{tapin.id}/abbreviations", data={"abbreviations": "Rantau"})
    assert response.status_code == 302
    db.session.expire_all()
    assert find_region_by_code("63.05").aliases == ["Rantau"]
    login_as("committee")
    assert client.get(f"/admin/regions/{tapin.id}/abbreviations").status_code == 403
