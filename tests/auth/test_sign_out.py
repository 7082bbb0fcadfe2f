"""Sign-out: the remember cookie goes, and the session ends on the server too."""
from datetime import UTC, datetime, timedelta

import config
from tests.factories import DEFAULT_PASSWORD, make_user


def sign_in(client, db, remember=True):
    user = make_user(email="u@example.id")
    db.session.commit()
    data = {"email": "u@example.id", "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    return user, response


def is_anonymous(client):
    response = client.get("/")
    return response.status_code == 302 and response.location.startswith("/login")


def test_sign_out_deletes_the_remember_cookie(client, db):
    sign_in(client, db)
    assert client.get_cookie("remember_token") is not None
    assert client.post("/logout").status_code == 302
    assert client.get_cookie("remember_token") is None
    assert is_anonymous(client)  # the browser does not sign itself back in


def test_a_session_cookie_copied_before_sign_out_no_longer_works(app, client, db):
    sign_in(client, db, remember=False)
    copied = client.get_cookie("session").value
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert is_anonymous(thief)


def test_a_remember_cookie_copied_before_sign_out_no_longer_works(app, client, db):
    sign_in(client, db)
    copied = client.get_cookie("remember_token").value
    thief = app.test_client()
    thief.set_cookie("remember_token", copied)
    assert not is_anonymous(thief)  # the copy works while the user is signed in...
    client.post("/logout")
    thief = app.test_client()
    thief.set_cookie("remember_token", copied)
    assert is_anonymous(thief)      # ...and not after the user signed out


def test_signing_in_again_after_sign_out_works(client, db):
    sign_in(client, db)
    client.post("/logout")
    response = client.post("/login", data={"email": "u@example.id", "password": DEFAULT_PASSWORD})
    assert response.status_code == 302 and not is_anonymous(client)


def _remember_set_cookie(response):
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("remember_token="))


def test_remember_cookie_is_lax_http_only_and_lasts_a_fortnight(client, db):
    _user, response = sign_in(client, db)
    header = _remember_set_cookie(response)
    assert "SameSite=Lax" in header and "HttpOnly" in header
    assert "Secure" not in header  # development serves plain http
    expires = client.get_cookie("remember_token").expires
    expires = expires if expires.tzinfo else expires.replace(tzinfo=UTC)
    assert abs(expires - (datetime.now(UTC) + timedelta(days=14))) < timedelta(minutes=5)


def test_remember_cookie_is_secure_in_production(app, client, db, monkeypatch):
    assert config.ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert config.ProductionConfig.REMEMBER_COOKIE_SAMESITE == "Lax"
    monkeypatch.setitem(app.config, "REMEMBER_COOKIE_SECURE", True)
    _user, response = sign_in(client, db)
    assert "Secure" in _remember_set_cookie(response)
