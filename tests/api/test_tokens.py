"""Personal access tokens: shown once and stored hashed, scopes, expiry, revocation, deactivated
users, header only, never for pages, CSRF for session-cookie writes, last use recorded."""
from datetime import timedelta

from sqlalchemy import select

from rakor.api import tokens
from rakor.api.models import ApiToken
from rakor.core.types import utcnow
from rakor.extensions import db
from tests.api.conftest import bearer
from tests.factories import make_user
from tests.helpers import sign_in


def test_a_token_is_stored_only_as_its_hash_and_works_in_the_header(client, token_of):
    user = make_user("leadership")
    secret = token_of(user)
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert secret.startswith("rkr_") and secret not in (stored.token_hash, stored.prefix)
    assert stored.token_hash == tokens.digest(secret)
    response = client.get("/api/v1/meetings", headers=bearer(secret))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    db.session.expire_all()
    assert db.session.get(ApiToken, stored.id).last_used_at is not None


def test_no_token_is_401_problem_not_the_sign_in_page(client):
    response = client.get("/api/v1/meetings")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json["status"] == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_in_the_query_string_is_refused_even_a_valid_one(client, token_of):
    secret = token_of(make_user("committee"))
    for name in ("access_token", "token", "api_key"):
        response = client.get(f"/api/v1/meetings?{name}={secret}")
        assert response.status_code == 400
        assert "Authorization" in response.json["detail"]


def test_expired_revoked_and_deactivated_users_tokens_stop_at_once(client, token_of):
    user = make_user("committee")
    expired = tokens.issue(user, "old", "read", None)
    expired.token.expires_at = utcnow() - timedelta(seconds=1)
    revoked = token_of(user)
    live = token_of(user)
    db.session.commit()
    tokens.revoke(db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.digest(revoked))),
                  user)
    db.session.commit()
    for secret in (expired.secret, revoked, "rkr_unknown", "not-even-ours"):
        response = client.get("/api/v1/meetings", headers=bearer(secret))
        assert response.status_code == 401, secret
    assert client.get("/api/v1/meetings", headers=bearer(live)).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/meetings", headers=bearer(live)).status_code == 401


def test_a_read_token_cannot_write(client, token_of, cm):
    secret = token_of(cm.delegate, scope="read")
    response = client.post("/api/v1/commitments", headers={**bearer(secret), "Accept-Language": "en"},
                           json={"meeting_id": cm.meeting.id, "title": "x"})
    assert response.status_code == 403
    assert "read" in response.json["detail"]


def test_a_token_never_opens_a_page(client, token_of):
    secret = token_of(make_user("committee"))
    response = client.get("/meetings/", headers=bearer(secret))
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_session_cookie_reads_but_writes_only_with_the_csrf_token(app, client, cm):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        db.session.commit()
        sign_in(client, cm.delegate)
        assert client.get("/api/v1/meetings").status_code == 200
        response = client.post("/api/v1/commitments", json={"meeting_id": cm.meeting.id, "title": "x"})
        assert response.status_code == 400
        assert response.headers["Content-Type"] == "application/problem+json"
        assert "CSRF" in response.json["detail"]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_account_page_creates_shows_once_and_revokes(client, app):
    user = make_user("delegate")
    db.session.commit()
    sign_in(client, user)
    page = client.post("/account/tokens", data={"name": "e-Monev Kotabaru", "scope": "write",
                                               "expires_on": ""})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-new-token" in html
    secret = html.split("data-new-token>")[1].split("<")[0]
    assert client.get("/api/v1/meetings", headers=bearer(secret)).status_code == 200
    assert secret not in client.get("/account/tokens").get_data(as_text=True)  # shown once
    token = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/meetings", headers=bearer(secret)).status_code == 401


def test_a_token_name_is_required_and_the_form_keeps_input(client):
    user = make_user("delegate")
    db.session.commit()
    sign_in(client, user)
    page = client.post("/account/tokens", data={"name": "", "scope": "write", "expires_on": "2020-01-01"})
    assert page.status_code == 200 and "data-new-token" not in page.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is None


def test_only_the_owner_or_the_admin_revokes(client, token_of):
    owner, other, admin = make_user("delegate"), make_user("delegate"), make_user("admin")
    secret = token_of(owner)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.digest(secret)))
    sign_in(client, other)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/api/v1/meetings", headers=bearer(secret)).status_code == 200
    sign_in(client, admin)
    assert owner.email in client.get("/admin/api-tokens").get_data(as_text=True)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/meetings", headers=bearer(secret)).status_code == 401


def test_rate_limited_per_token(app, client, token_of):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        first, second = token_of(make_user("committee")), token_of(make_user("committee"))
        codes = [client.get("/api/v1/regions", headers=bearer(first)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = client.get("/api/v1/regions", headers=bearer(first))
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert "Retry-After" in refused.headers
        assert client.get("/api/v1/regions", headers=bearer(second)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = "600 per minute"


def test_a_use_that_cannot_be_recorded_does_not_refuse_the_request(client, token_of, monkeypatch):
    """Schemathesis' four concurrent runs met SQLite's "database is locked" on this write."""
    from sqlalchemy.exc import OperationalError

    secret = token_of(make_user("committee"))

    def locked(token, now=None):
        raise OperationalError("UPDATE api_token", {}, Exception("database is locked"))

    monkeypatch.setattr(tokens, "record_use", locked)
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
