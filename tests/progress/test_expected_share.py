"""A percent achieved is of the final target: pages say so, and show how far along the commitment
was expected to be by the end of the reported period (even progress from agreement to target)."""
from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from rakor.extensions import db
from rakor.progress import services
from rakor.progress.expected import expected_share
from tests.helpers import sign_in
from tests.progress.conftest import TODAY, update


def _commitment(agreed, target):
    return SimpleNamespace(agreed_at=agreed, created_at=agreed, target_date=target)


def test_expected_share_runs_evenly_from_agreement_to_the_target_date():
    c = _commitment(datetime(2024, 1, 31, 16, 30, tzinfo=UTC), date(2024, 12, 31))  # 1 Feb WITA
    assert expected_share(c, "2024-Q1") == Decimal(18)    # 59 of 334 days
    assert expected_share(c, "2024-Q2") == Decimal(45)
    assert expected_share(c, "2024-Q4") == Decimal(100)
    assert expected_share(c, "2023-Q4") == Decimal(0)
    assert expected_share(_commitment(datetime(2024, 2, 1, tzinfo=UTC), None), "2024-Q1") is None


def test_the_progress_page_says_of_the_final_target_and_what_was_expected(client, pg):
    services.report(pg.poverty_c, update(realised_value=Decimal("6.16")), pg.delegate, today=TODAY)
    db.session.commit()
    sign_in(client, pg.committee)
    html = client.get(f"/meetings/{pg.meeting.id}/progress").get_data(as_text=True)
    row = html.split(f'data-reference="{pg.poverty_c.reference}"')[1].split("</tr>")[0]
    assert "dari target akhir" in row and "diharapkan" in row
