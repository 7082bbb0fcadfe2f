"""Who downloads a progress evidence file (issue 19 item 13): its own agency, the committee and
leadership; another agency's delegate sees the reported figures but not the file, until the
committee marks the file public."""
import io
from decimal import Decimal

import pytest

from rakor.extensions import db
from rakor.meetings import materials
from rakor.progress import services, workdays
from tests.factories import make_user
from tests.helpers import PDF, client_of
from tests.progress.conftest import TODAY, update


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


@pytest.fixture
def evidence(pg):
    result = services.report(pg.poverty_c, update(period="2024-Q3", realised_value=Decimal("6"),
                                                  budget_realised=Decimal("625000000")), pg.delegate, today=TODAY)
    with materials.removed_unless_committed(services.EVIDENCE_FOLDER) as stored:
        item = services.add_evidence(result.update, io.BytesIO(PDF), "surat-bupati.pdf", pg.delegate, stored)
    db.session.commit()
    return item


def status(client, url):
    response = client.get(url)
    response.close()  # a sent file stays open until then
    return response.status_code


def _urls(pg, item):
    base = f"/meetings/{pg.meeting.id}"
    return (f"{base}/progress/evidence/{item.id}", f"{base}/commitments/{pg.poverty_c.id}/progress",
            f"{base}/progress/evidence/{item.id}/visibility")


def test_own_agency_committee_and_leadership_download_other_agencies_see_only_figures(app, pg, evidence):
    file_url, timeline, _toggle = _urls(pg, evidence)
    for user in (pg.delegate, pg.committee, pg.leadership, make_user("admin")):
        db.session.commit()
        client = client_of(app, user)
        assert status(client, file_url) == 200, user.role
        assert "surat-bupati.pdf" in client.get(timeline).get_data(as_text=True)
    other = client_of(app, pg.other_delegate)
    assert status(other, file_url) == 403
    page = other.get(timeline).get_data(as_text=True)
    assert "surat-bupati.pdf" not in page and file_url not in page
    assert "625.000.000" in page  # the figures stay visible


def test_the_committee_marks_a_file_public_and_private_again(app, pg, evidence):
    file_url, timeline, toggle = _urls(pg, evidence)
    other = client_of(app, pg.other_delegate)
    assert other.post(toggle, data={"public": "1"}).status_code == 403  # not theirs to decide
    assert client_of(app, pg.delegate).post(toggle, data={"public": "1"}).status_code == 403
    committee = client_of(app, pg.committee)
    assert committee.post(toggle, data={"public": "1"}).status_code == 302
    assert status(other, file_url) == 200
    assert "surat-bupati.pdf" in other.get(timeline).get_data(as_text=True)
    assert committee.post(toggle, data={"public": "0"}).status_code == 302
    assert status(other, file_url) == 403
