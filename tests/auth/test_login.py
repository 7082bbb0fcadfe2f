import re

import pytest

import config
from rakor.auth.models import User
from tests.factories import DEFAULT_PASSWORD, make_user


def login(client, email, password, next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_page_is_indonesian_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="id">' in html
    assert "Masuk ke Rakor" in html
    assert "Kata sandi" in html


def test_login_success_redirects_to_dashboard(client, db):
    user = make_user(role="committee", email="panitia@example.id")
    db.session.commit()
    response = login(client, "PANITIA@example.id ", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Beranda" in page and user.name in page


@pytest.mark.parametrize("email,password", [
    ("panitia@example.id", "wrong-password-123"),
    ("nobody@example.id", DEFAULT_PASSWORD),
])
def test_bad_credentials_get_one_generic_message(client, db, email, password):
    make_user(email="panitia@example.id")
    db.session.commit()
    response = login(client, email, password)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Email atau kata sandi salah, atau akun dinonaktifkan." in html
    assert f'value="{email}"' in html  # what the user typed is kept


def test_disabled_user_cannot_log_in(client, db):
    make_user(email="off@example.id", active=False)
    db.session.commit()
    html = login(client, "off@example.id", DEFAULT_PASSWORD).get_data(as_text=True)
    assert "Email atau kata sandi salah" in html


def test_empty_fields_show_indonesian_wtforms_messages(client):
    html = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Isian ini wajib diisi." in html


def test_over_long_and_non_utf8_fields_do_not_crash(client):
    response = client.post("/login", data={"email": "a" * 10000 + "@x.id", "password": "x" * 5000})
    assert response.status_code == 200
    assert "Isian tidak boleh lebih dari 254 karakter." in response.get_data(as_text=True)
    raw = b"email=%FF%FE%FA&password=%C3%28"
    response = client.post("/login", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("forged", [
    "https://evil.example", "//evil.example", "/\\evil.example", "https:/evil.example",
    "javascript:alert(1)", "/%0d%0aLocation:%20https://evil.example",
])
def test_forged_next_never_redirects_off_site(client, db, forged):
    make_user(email="u@example.id")
    db.session.commit()
    response = login(client, "u@example.id", DEFAULT_PASSWORD, next_url=forged)
    assert response.status_code == 302
    assert response.location == "/"


def test_safe_next_is_followed(client, db):
    make_user(email="u@example.id", role="admin")
    db.session.commit()
    response = login(client, "u@example.id", DEFAULT_PASSWORD, next_url="/admin/users")
    assert response.location == "/admin/users"


def test_session_is_renewed_at_login(client, db):
    make_user(email="u@example.id")
    db.session.commit()
    with client.session_transaction() as sess:
        sess["planted"] = "by-an-attacker"
    login(client, "u@example.id", DEFAULT_PASSWORD)
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert "_user_id" in sess


def test_logout_requires_post_and_ends_session(client, login_as):
    login_as("committee")
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response.location == "/login"
    assert client.get("/").status_code == 302


def test_disabling_a_user_ends_their_existing_sessions(client, db, login_as):
    user = login_as("committee")
    assert client.get("/").status_code == 200
    db.session.get(User, user.id).active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_rotated_token_ends_sessions_even_if_reenabled(client, db, login_as):
    user = login_as("committee")
    u = db.session.get(User, user.id)
    u.rotate_session_token()
    db.session.commit()
    assert client.get("/").status_code == 302


def test_missing_csrf_token_is_a_400_page(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": "a@b.id", "password": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "Formulir kedaluwarsa" in response.get_data(as_text=True)


def test_login_is_rate_limited(app, client, db):
    from rakor.extensions import limiter

    make_user(email="u@example.id")
    db.session.commit()
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    limiter.reset()
    try:
        responses = [login(client, "u@example.id", "wrong-password-1") for _ in range(11)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = config.TestConfig.LOGIN_RATE_LIMIT
        limiter.reset()
    assert [r.status_code for r in responses[:10]] == [200] * 10
    assert responses[10].status_code == 429
    assert "Terlalu banyak percobaan" in responses[10].get_data(as_text=True)


def test_csrf_token_present_in_login_form(app):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        html = app.test_client().get("/login").get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert re.search(r'name="csrf_token" type="hidden" value="[^"]+"', html)
