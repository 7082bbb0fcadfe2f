"""Agreed commitments of the commitments' test meeting (1 February 2024) to report on: poverty
(lower is better, 6,25 -> 5,75), IPM (higher is better, 70 -> 72) and a rural-area programme
without a numeric indicator; the second agency has one agreed commitment of its own."""
from datetime import date
from decimal import Decimal

import pytest

from tests.factories import first_agency_commitment, make_commitment, update_data

TODAY = date(2024, 11, 28)


@pytest.fixture
def pg(cm):
    def agreed(**overrides):
        return make_commitment(cm.meeting, cm.committee, first_agency_commitment(cm, **overrides))

    cm.poverty_c = agreed()
    cm.ipm_c = agreed(title="Peningkatan IPM", indicator_id=cm.ipm, baseline_value=Decimal("70"),
                      target_value=Decimal("72"), programme_code=None)
    cm.rural_c = agreed(title="Penataan kawasan perdesaan", indicator_id=None, topic_id=cm.rural,
                        target_value=None, programme_code=None)
    cm.other_c = agreed(title="Komitmen instansi lain", agency_id=cm.agencies[1].id,
                        indicator_id=cm.ipm, baseline_value=Decimal("65"), target_value=Decimal("66"))
    cm.today = TODAY
    return cm


update = update_data  # update(period, status, **fields): what a reporter gives
