"""Plain factory functions with defaults: make_x(**overrides) adds, flushes and returns."""
import itertools

from rakor.auth.models import User
from rakor.auth.passwords import hash_password
from rakor.extensions import db
from rakor.regions.models import Agency, Region

_seq = itertools.count(1)
DEFAULT_PASSWORD = "Kotabaru-Rakor-2024!"
_HASH = None


def _password_hash(password):
    global _HASH
    if password != DEFAULT_PASSWORD:
        return hash_password(password)
    if _HASH is None:  # argon2 is slow on purpose; hash the common test password once
        _HASH = hash_password(DEFAULT_PASSWORD)
    return _HASH


def make_region(**overrides):
    n = next(_seq)
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




def make_province(code="99"):
    region = db.session.query(Region).filter_by(kemendagri_code=code).one_or_none()
    if region is None:
        region = Region(kemendagri_code=code, bps_code=code, name=f"Provinsi Uji {code}", kind="provinsi")
        db.session.add(region)
        db.session.flush()
    return region


def make_agency(**overrides):
    n = next(_seq)
    if "region" not in overrides and "region_id" not in overrides:
        overrides["region"] = make_region()
    fields = {"name": f"Bappeda Uji {n}", "short_name": f"Bappeda U{n}"}
    fields.update(overrides)
    agency = Agency(**fields)
    db.session.add(agency)
    db.session.flush()
    return agency


def make_user(role="committee", agency=None, password=DEFAULT_PASSWORD, **overrides):
    n = next(_seq)
    if role == "delegate" and agency is None:
        agency = make_agency()
    fields = {"email": f"user{n}@example.id", "name": f"Pengguna {n}", "role": role,
              "agency": agency, "password_hash": _password_hash(password)}
    fields.update(overrides)
    user = User(**fields)
    db.session.add(user)
    db.session.flush()
    return user
