"""Regions and agencies."""
from sqlalchemy import select

from rakor.extensions import db
from rakor.regions.models import Agency, Region
from tests.factories.core import next_number


def make_province(code="99"):
    region = db.session.scalar(select(Region).where(Region.kemendagri_code == code))
    if region is None:
        region = Region(kemendagri_code=code, bps_code=code, name=f"Provinsi Uji {code}", kind="provinsi")
        db.session.add(region)
        db.session.flush()
    return region


def make_region(**overrides):
    n = next_number()
    code = overrides.pop("kemendagri_code", None)
    if code is None:
        province = make_province() if "parent" not in overrides else overrides["parent"]
        code = f"{province.kemendagri_code}.{n % 100:02d}"
        overrides.setdefault("parent", province)
    fields = {"kemendagri_code": code, "bps_code": code.replace(".", ""),
              "name": f"Kabupaten Uji {n}", "kind": "kabupaten"}
    fields.update(overrides)
    region = Region(**fields)
    db.session.add(region)
    db.session.flush()
    return region


def make_agency(**overrides):
    n = next_number()
    if "region" not in overrides and "region_id" not in overrides:
        overrides["region"] = make_region()
    fields = {"name": f"Bappeda Uji {n}", "short_name": f"Bappeda U{n}"}
    fields.update(overrides)
    agency = Agency(**fields)
    db.session.add(agency)
    db.session.flush()
    return agency
