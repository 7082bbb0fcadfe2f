"""A doubled form field on the commitment and progress pages (issue 19 item 10): never a 500."""
import pytest

from rakor.progress import workdays
from tests.helpers import sign_in
from tests.progress.conftest import TODAY
from tests.test_duplicated_fields import post_every_variant


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def test_the_commitment_and_progress_forms_survive_a_doubled_field(client, db, pg):
    db.session.commit()
    m = pg.meeting
    failures = []
    sign_in(client, pg.committee)
    failures += post_every_variant(client, db, f"/meetings/{m.id}/commitments/new",
                                   title="Intervensi gizi", agency_id=str(pg.agencies[0].id))
    failures += post_every_variant(client, db, f"/meetings/{m.id}/commitments/{pg.poverty_c.id}/edit")
    sign_in(client, pg.delegate)
    failures += post_every_variant(client, db, f"/meetings/{m.id}/commitments/{pg.rural_c.id}/progress/new",
                                   **{"u-percent": "40", "p-period": "Triwulan III 2024"})
    failures += post_every_variant(client, db, f"/meetings/{m.id}/progress/report?period=2024-Q3")
    assert not failures, failures
