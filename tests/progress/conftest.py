"""Agreed commitments of the commitments' test meeting (1 February 2024) to report on: poverty
(lower is better, 6,25 -> 5,75), IPM (higher is better, 70 -> 72) and a rural-area programme
without a numeric indicator; the second agency has one agreed commitment of its own."""
from datetime import date
from decimal import Decimal

import pytest

from rakor.commitments import services as commitment_services
from rakor.progress.services import UpdateData
from tests.commitments.conftest import cm, data  # noqa: F401  (the cm fixture)

TODAY = date(2024, 11, 28)


@pytest.fixture
def pg(cm):  # noqa: F811
    def agreed(**overrides):
        return commitment_services.create_commitment(cm.meeting, data(cm, **overrides), cm.committee,
                                                     status="agreed", confirm_direction=True)

    cm.poverty_c = agreed()
    cm.ipm_c = agreed(title="Peningkatan IPM", indicator_id=cm.ipm, baseline_value=Decimal("70"),
                      target_value=Decimal("72"), programme_code=None)
    cm.rural_c = agreed(title="Penataan kawasan perdesaan", indicator_id=None, topic_id=cm.rural,
                        target_value=None, programme_code=None)
    cm.other_c = agreed(title="Komitmen instansi lain", agency_id=cm.agencies[1].id,
                        indicator_id=cm.ipm, baseline_value=Decimal("65"), target_value=Decimal("66"))
    cm.today = TODAY
    return cm


def update(period="2024-Q1", status="on_track", **fields):
    return UpdateData(period=period, status=status, **fields)
