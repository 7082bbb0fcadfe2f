"""A scheduled meeting of a small province with two invited regencies, the programme
nomenclature loaded, and an official poverty baseline for the first regency."""
from datetime import UTC, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from rakor.commitments.models import IndicatorBaseline
from rakor.commitments.services import CommitmentData
from rakor.extensions import db as _db
from rakor.regions.programmes import load_shipped_programmes
from tests.factories import (
    make_agency,
    make_meeting,
    make_province,
    make_quota,
    make_region,
    make_user,
    topic_id,
)


@pytest.fixture
def cm(db):
    load_shipped_programmes()
    province = make_province("96")
    regions = [make_region(parent=province, kemendagri_code=f"96.0{i}") for i in (1, 2, 3)]
    agencies = [make_agency(region=r, name=f"Bappeda Kabupaten Uji {i}", short_name=f"Bappeda U{i}")
                for i, r in enumerate(regions, start=1)]
    meeting = make_meeting(organizer=make_agency(region=province), title="Rakor Kesepakatan Uji",
                           starts_at=datetime(2024, 2, 1, 0, 30, tzinfo=UTC),
                           ends_at=datetime(2024, 2, 1, 8, 0, tzinfo=UTC))
    for agency in agencies[:2]:  # the third is not invited
        make_quota(meeting, agency)
    poverty = topic_id("KEMISKINAN")
    _db.session.add(IndicatorBaseline(region_id=regions[0].id, topic_id=poverty, year=2023,
                                      value=Decimal("6.25"), source="BPS"))
    _db.session.add(IndicatorBaseline(region_id=regions[0].id, topic_id=poverty, year=2022,
                                      value=Decimal("6.50"), source="BPS"))
    _db.session.flush()
    return SimpleNamespace(
        meeting=meeting, agencies=agencies, regions=regions, poverty=poverty,
        ipm=topic_id("IPM"), rural=topic_id("KAWASAN_PERDESAAN"),
        committee=make_user("committee"),
        delegate=make_user("delegate", agency=agencies[0]),
        other_delegate=make_user("delegate", agency=agencies[1]),
        leadership=make_user("leadership"),
    )


def data(cm, **overrides):
    fields = {"title": "Percepatan penurunan kemiskinan ekstrem", "agency_id": cm.agencies[0].id,
              "indicator_id": cm.poverty, "target_value": Decimal("5.75"),
              "target_date": datetime(2024, 12, 31).date(), "programme_code": "1.06.05",
              "responsible_office": "Dinas Sosial", "budget": Decimal("1250000000"),
              "funding_source": "apbd", "budget_year": 2024}
    fields.update(overrides)
    return CommitmentData(**fields)
