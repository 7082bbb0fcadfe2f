"""Sign-in limits: per account (whatever address it comes from, silent about which accounts
exist) and per client address (high enough for a venue on one Wi-Fi); the client address is
the socket's unless PROXY_HOPS says a proxy sets X-Forwarded-For."""
import re

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from rakor.auth import services
from rakor.extensions import limiter
from tests.factories import DEFAULT_PASSWORD, make_user

CSRF = re.compile(r'name="csrf_token"[^>]*')  # signed with a timestamp: differs every second
LOCKED = "Terlalu banyak percobaan masuk yang gagal dengan alamat email ini."


@pytest.fixture
def limits(app, monkeypatch):
    """limits(per_address=..., per_account=...) for one test, counters empty before and after.
    Passwords are compared without argon2 here: these tests count attempts, not hashes."""
    monkeypatch.setattr(services, "verify_password",
                        lambda password_hash, password: bool(password_hash) and password == DEFAULT_PASSWORD)

    def set_limits(per_address=config.TestConfig.LOGIN_RATE_LIMIT,
                   per_account=config.TestConfig.LOGIN_ACCOUNT_RATE_LIMIT):
        monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", per_address)
        monkeypatch.setitem(app.config, "LOGIN_ACCOUNT_RATE_LIMIT", per_account)
        limiter.reset()

    yield set_limits
    limiter.reset()


def login(client, email, password, address="192.0.2.10", **headers):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_failed_sign_ins_lock_the_account_from_every_address(client, db, limits):
    make_user(email="target@example.id")
    db.session.commit()
    limits(per_account="3 per 15 minutes")
    codes = [login(client, "target@example.id", "wrong-password-1", address=f"198.51.100.{n}").status_code
             for n in range(3)]
    assert codes == [200, 200, 200]
    # Locked: even the right password from a new address is not checked.
    response = login(client, " TARGET@example.id", DEFAULT_PASSWORD, address="203.0.113.77")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert LOCKED in html and "Tunggu 15 menit" in html
    assert 'value="TARGET@example.id"' in html  # the form stays, with what was typed
    assert is_anonymous(client)
    # Other accounts at the same address are not affected.
    make_user(email="colleague@example.id")
    db.session.commit()
    assert login(client, "colleague@example.id", DEFAULT_PASSWORD, address="203.0.113.77").status_code == 302


def is_anonymous(client):
    return client.get("/").status_code == 302


def test_lock_out_does_not_tell_whether_the_account_exists(client, db, limits):
    make_user(email="exists@example.id")
    db.session.commit()
    limits(per_account="2 per 15 minutes")
    pages = {}
    for email in ("exists@example.id", "nobody@example.id"):
        responses = [login(client, email, "wrong-password-1") for _ in range(3)]
        assert [r.status_code for r in responses] == [200, 200, 429]
        pages[email] = [CSRF.sub("", r.get_data(as_text=True).replace(email, "EMAIL")) for r in responses]
    assert pages["exists@example.id"] == pages["nobody@example.id"]


def test_a_successful_sign_in_starts_the_account_count_again(client, db, limits):
    make_user(email="u@example.id")
    db.session.commit()
    limits(per_account="3 per 15 minutes")
    login(client, "u@example.id", "typo-password-1")
    login(client, "u@example.id", "typo-password-2")
    assert login(client, "u@example.id", DEFAULT_PASSWORD).status_code == 302
    client.post("/logout")
    codes = [login(client, "u@example.id", "typo-password-3").status_code for _ in range(3)]
    assert codes == [200, 200, 200]


def test_a_venue_on_one_wifi_can_sign_in_52_delegates(app, db, limits):
    """One public address, 52 delegates, some of whom mistype once: nobody is locked out with the
    default limits (the old 10 per minute per address locked out the eleventh)."""
    for n in range(52):
        make_user(email=f"delegate{n}@example.id")
    db.session.commit()
    limits(per_address=config.Config.LOGIN_RATE_LIMIT, per_account=config.Config.LOGIN_ACCOUNT_RATE_LIMIT)
    codes = []
    for n in range(52):
        phone = app.test_client()
        if n % 5 == 0:
            codes.append(login(phone, f"delegate{n}@example.id", "mistyped-password").status_code)
        codes.append(login(phone, f"delegate{n}@example.id", DEFAULT_PASSWORD).status_code)
    assert 429 not in codes and codes.count(302) == 52


def test_default_limits_are_the_documented_ones():
    assert config.Config.LOGIN_RATE_LIMIT == "120 per minute;600 per hour"
    assert config.Config.LOGIN_ACCOUNT_RATE_LIMIT == "10 per 15 minutes"


def test_without_proxy_hops_x_forwarded_for_is_ignored(app, client, db, limits):
    """PROXY_HOPS=0: whoever connects cannot pick the address the limit counts by sending
    X-Forwarded-For; every attempt counts against the socket's address."""
    assert app.config["PROXY_HOPS"] == 0
    limits(per_address="3 per minute")
    codes = [login(client, f"x{n}@example.id", "wrong-password-1", address="192.0.2.50",
                   **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_behind_a_proxy_the_forwarded_address_is_counted(app, client, db, limits, monkeypatch):
    """The other side of the test above (what PROXY_HOPS=1 does in create_app): each forwarded
    client is counted on its own, so the header must only be trusted from the proxy."""
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))
    limits(per_address="3 per minute")
    codes = [login(client, f"x{n}@example.id", "wrong-password-1", address="127.0.0.1",
                   **{"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(4)]
    assert codes == [200, 200, 200, 200]


def test_the_429_page_leads_back_to_a_working_sign_in_form(client, db, limits):
    limits(per_address="1 per minute")
    referer = {"Referer": "http://localhost/login?next=/meetings/"}
    client.post("/login?next=/meetings/", data={"email": "a@example.id", "password": "x"}, headers=referer)
    response = client.post("/login?next=/meetings/", data={"email": "a@example.id", "password": "x"},
                           headers=referer)
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Terlalu banyak percobaan" in html
    retry = re.search(r'id="error-retry" href="([^"]+)"', html).group(1)
    assert retry == "/login?next=/meetings/"
    assert "Kembali ke beranda" not in html  # no dashboard for someone who is not signed in
    assert client.get(retry).status_code == 200
    assert client.get("/login").status_code == 200


def test_the_429_page_ignores_a_foreign_referer(client, db, limits):
    limits(per_address="1 per minute")
    for _ in range(2):
        response = client.post("/login?next=/meetings/", data={"email": "a@example.id", "password": "x"},
                               headers={"Referer": "https://evil.example/phish"})
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and "evil.example" not in html and "phish" not in html
    # Without a usable Referer: the form's own page (the login form posts to itself).
    assert 'id="error-retry" href="/login?next=/meetings/"' in html


def test_the_refusal_says_when_to_try_again_in_retry_after(client, db, limits):
    """Flask-Limiter's headers are off (two Redis round trips per request on every answer); the
    429 page still tells a client how long the limit holds."""
    limits(per_address="2 per minute")
    responses = [login(client, f"r{n}@example.id", "wrong-password-1", address="192.0.2.60") for n in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert 1 <= int(responses[2].headers["Retry-After"]) <= 61  # the window, rounded up
    assert "Retry-After" not in responses[0].headers and "X-RateLimit-Limit" not in responses[0].headers
