"""The stale-edit check cannot be skipped (issue 19 item 11): a commitment edit without its
version, or with a blank or non-numeric one, and a progress report without the revision it was
based on while the period already has a report, are refused and change nothing."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rakor.commitments.models import Commitment
from rakor.progress import services, workdays
from rakor.progress.models import ProgressUpdate
from tests.helpers import sign_in
from tests.progress.conftest import TODAY, update


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def _commitment_form(pg, **overrides):
    values = {"title": "Judul ditimpa", "agency_id": str(pg.agencies[0].id), "indicator_id": str(pg.poverty),
              "target_value": "5,75", "target_date": "2024-12-31", "budget": "1,25 M", "budget_year": "2024",
              "reason": "Perbaikan"}
    values.update(overrides)
    return values


@pytest.mark.parametrize("version", [None, "", " ", "abc", "-1", "1.0"])
def test_a_commitment_edit_without_a_valid_version_is_refused(client, db, pg, version):
    db.session.commit()
    sign_in(client, pg.committee)
    before = pg.poverty_c.title
    form = _commitment_form(pg) if version is None else _commitment_form(pg, version=version)
    response = client.post(f"/meetings/{pg.meeting.id}/commitments/{pg.poverty_c.id}/edit", data=form)
    assert response.status_code == 200
    assert 'value="Judul ditimpa"' in response.get_data(as_text=True)  # what was typed stays
    db.session.expire_all()
    assert db.session.get(Commitment, pg.poverty_c.id).title == before


def test_a_commitment_edit_with_the_current_version_is_saved(client, db, pg):
    db.session.commit()
    sign_in(client, pg.committee)
    form = _commitment_form(pg, version=str(pg.poverty_c.version))
    response = client.post(f"/meetings/{pg.meeting.id}/commitments/{pg.poverty_c.id}/edit", data=form)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Commitment, pg.poverty_c.id).title == "Judul ditimpa"


@pytest.mark.parametrize("revision", [None, "", "abc"])
def test_a_report_without_the_revision_it_was_based_on_does_not_overwrite(client, db, pg, revision):
    services.report(pg.rural_c, update(period="2024-Q3", percent=Decimal("40")), pg.delegate, today=TODAY)
    db.session.commit()
    sign_in(client, pg.delegate)
    fields = {"p-period": "Triwulan III 2024", "u-percent": "10", "u-status": "late"}
    if revision is not None:
        fields["u-revision"] = revision
    url = f"/meetings/{pg.meeting.id}/commitments/{pg.rural_c.id}/progress/new"
    assert client.post(url, data=fields).status_code == 200
    table = f"/meetings/{pg.meeting.id}/progress/report?period=2024-Q3"
    row = {f"c{pg.rural_c.id}-percent": "10", f"c{pg.rural_c.id}-status": "late"}
    if revision is not None:
        row[f"c{pg.rural_c.id}-revision"] = revision
    assert client.post(table, data=row).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 1
    assert db.session.scalar(select(ProgressUpdate.percent_achieved)) == Decimal("40.00")


def test_a_first_report_needs_no_revision_and_the_shown_one_saves(client, db, pg):
    db.session.commit()
    sign_in(client, pg.delegate)
    url = f"/meetings/{pg.meeting.id}/commitments/{pg.rural_c.id}/progress/new"
    assert client.post(url, data={"p-period": "Triwulan III 2024", "u-percent": "10", "u-status": "late",
                                  "u-revision": ""}).status_code == 302
    assert client.post(url, data={"p-period": "Triwulan III 2024", "u-percent": "20", "u-status": "late",
                                  "u-revision": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(func.max(ProgressUpdate.revision))) == 2
