"""Commitments (made through the services, as the pages and imports make them) and official
indicator baselines."""
from datetime import date
from decimal import Decimal

from rakor.commitments import services
from rakor.commitments.models import IndicatorBaseline
from rakor.commitments.services import CommitmentData
from rakor.extensions import db


def commitment_data(agency, indicator_id=None, **overrides) -> CommitmentData:
    """A complete commitment of `agency`: poverty-style target 5,75 by the end of 2024, a
    programme code, Rp 1,25 M of APBD."""
    fields = {"title": "Percepatan penurunan kemiskinan ekstrem", "agency_id": agency.id,
              "indicator_id": indicator_id, "target_value": Decimal("5.75"),
              "target_date": date(2024, 12, 31), "programme_code": "1.06.05",
              "responsible_office": "Dinas Sosial", "budget": Decimal("1250000000"),
              "funding_source": "apbd", "budget_year": 2024}
    fields.update(overrides)
    return CommitmentData(**fields)


def make_commitment(meeting, by_user, data: CommitmentData, *, status="agreed", confirm_direction=True):
    """`data` created at `meeting` by `by_user` (the committee for "agreed")."""
    return services.create_commitment(meeting, data, by_user, status=status, confirm_direction=confirm_direction)


def make_baseline(region, topic_id, year, value, source="BPS"):
    baseline = IndicatorBaseline(region_id=region.id, topic_id=topic_id, year=year, value=Decimal(value),
                                 source=source)
    db.session.add(baseline)
    db.session.flush()
    return baseline
