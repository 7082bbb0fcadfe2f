import re

import pytest

import config
from rakor import create_app
from rakor.core.i18n_check import missing_translations


def test_indonesian_catalog_is_complete():
    missing = missing_translations()
    assert not missing, "untranslated msgids (python -m rakor.core.i18n_check): " + ", ".join(
        f"{k!r} at {v}" for k, v in list(missing.items())[:20])


def test_english_switch_sets_lang_and_is_post_only(client, login_as):
    login_as("committee")
    assert 'lang="id"' in client.get("/").get_data(as_text=True)
    assert client.get("/language").status_code == 405
    response = client.post("/language", data={"lang": "en", "next": "/"})
    assert response.status_code == 302 and response.location == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Dashboard" in html
    client.post("/language", data={"lang": "xx", "next": "https://evil.example"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "committee", "delegate", "leadership"])
def test_no_page_references_an_external_url(client, login_as, role):
    login_as(role)
    pages = ["/", "/account/password"] + (["/admin/users", "/admin/agencies", "/admin/regions"]
                                          if role == "admin" else [])
    for page in pages:
        html = client.get(page).get_data(as_text=True)
        external = re.findall(r'(?:src|href|action)\s*=\s*"((?:https?:)?//[^"]*)"', html)
        assert external == [], f"{page} references {external}"


def test_bootstrap_is_served_locally(client):
    html = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/bootstrap/static/css/bootstrap\.min\.css)"', html).group(1)
    with client.get(css) as response:
        assert response.status_code == 200 and b"Bootstrap  v5" in response.data[:200]


def test_error_pages_are_translated(client, login_as):
    login_as("delegate")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "Akses ditolak" in html
    assert "Halaman tidak ditemukan" in client.get("/no/such/page").get_data(as_text=True)


def test_production_refuses_the_development_secret_key(monkeypatch):
    class Prod(config.ProductionConfig):
        SECRET_KEY = config.DEV_SECRET_KEY
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Prod)

    class ProdOk(Prod):
        SECRET_KEY = "4f9c1e0b7a3d5e8f2c6b9a1d0e7f3c5b8a2d4e6f1c9b7a3e5d0f8c2b6a4e1d9f"
        RATELIMIT_STORAGE_URI = "redis://127.0.0.1:6379/15"  # not contacted by this test
        BASE_URL = "https://rakor.example.id"

    # The limiter is one object for every app: give the suite's app its own storage back.
    from rakor.extensions import limiter

    for name, value in vars(limiter).copy().items():
        monkeypatch.setattr(limiter, name, value)
    app = create_app(ProdOk)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    # Behind nginx: the client's address and scheme come from X-Forwarded-* (rate limits per
    # client, https links in QR codes).
    from flask import request, url_for

    client = app.test_client()
    seen = {}

    @app.route("/_probe")
    def _probe():
        seen["addr"] = request.remote_addr
        seen["url"] = url_for("auth.login", _external=True)
        return ""

    from rakor.policy import public

    public(_probe)
    client.get("/_probe", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
                                   "X-Forwarded-Host": "rakor.example.id"})
    assert seen == {"addr": "203.0.113.9", "url": "https://rakor.example.id/login"}


def test_database_url_gets_the_psycopg3_driver():
    assert config._database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert config._database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
