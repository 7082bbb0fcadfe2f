"""Shared by the import/export tests: South Kalimantan's real regions and agencies, file makers."""
import csv
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from rakor.extensions import db
from rakor.regions.models import Agency, Region


@pytest.fixture
def kalsel(db):
    """Province 63 and its 13 regencies/cities with their planning agencies (the demo's file)."""
    from rakor.demo import PROVINCE, REGIONS_FILE
    from rakor.regions.services import ensure_planning_agencies, load_regions, read_region_csv

    load_regions(read_region_csv(REGIONS_FILE.read_bytes()))
    ensure_planning_agencies(PROVINCE)
    db.session.flush()
    return PROVINCE


def agency_of(code):
    return db.session.scalar(select(Agency).join(Agency.region).where(
        Region.kemendagri_code == code, Agency.is_planning_agency.is_(True)))


def csv_bytes(rows, delimiter=",", encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
