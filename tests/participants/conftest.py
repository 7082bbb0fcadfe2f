"""Fixtures of the participant pages: a meeting of a small province with quotas."""
from datetime import timedelta
from types import SimpleNamespace

import pytest

from rakor.core.types import utcnow
from tests.factories import make_agency, make_meeting, make_province, make_region


@pytest.fixture
def province_meeting(db):
    """A scheduled meeting in ten days, organised by a provincial agency whose province has
    three regency/city planning agencies (no quotas yet)."""
    province = make_province("97")
    agencies = [make_agency(region=make_region(parent=province, kemendagri_code=f"97.0{i}"),
                            name=f"Bappeda Kabupaten Uji {i}", short_name=f"Bappeda Uji {i}")
                for i in (1, 2, 3)]
    organizer = make_agency(region=province, name="Bappeda Provinsi Uji", short_name="Bappeda Prov")
    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    meeting = make_meeting(organizer=organizer, starts_at=start, ends_at=start + timedelta(hours=7),
                           title="Rakor Bidang PPM Uji")
    return SimpleNamespace(meeting=meeting, agencies=agencies, organizer=organizer, province=province)

