"""The verification URL frozen into the final minutes is on the configured BASE_URL, not on
the Host the finalising request named (localhost here, trusted) (issue 19 item 8)."""
from rakor.minutes import queries, services
from tests.minutes.conftest import body

BASE = "https://rakor.bappeda.example.go.id"


def test_the_frozen_verification_url_follows_base_url_not_the_host(app, db, client, mm, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "BASE_URL", BASE)
    draft = services.save(mm.meeting, body(), mm.committee, None)
    login_as("committee")
    response = client.post(f"/meetings/{mm.meeting.id}/minutes/finalise",
                           data={"expected_revision_id": draft.id})
    assert response.status_code == 302
    db.session.expire_all()
    final = queries.history(mm.meeting.id)[0]
    assert final.verification_code
    assert final.verification_url == f"{BASE}/v/{final.verification_code}"
