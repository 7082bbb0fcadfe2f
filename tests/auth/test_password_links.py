"""Accounts without anyone typing someone else's password: the administrator creates a user, who
gets a link to set their password (single use, expiring); "Forgot password" sends a reset link,
answers the same whether or not the address has an account, and is rate limited."""
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from rakor.auth import links, services
from rakor.auth.models import User
from rakor.auth.passwords import verify_password
from rakor.extensions import db as _db
from rakor.mail.models import OutboundMail
from tests.factories import make_agency, make_user

NEW_PASSWORD = "Sungai-Barito-Mengalir-88"


def _mails(kind):
    return list(_db.session.scalars(select(OutboundMail).where(OutboundMail.kind == kind).order_by(OutboundMail.id)))


def at(monkeypatch, when):
    """The links' clock at `when` (UTC, 'YYYY-MM-DD HH:MM')."""
    moment = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).timestamp()
    monkeypatch.setattr(links, "clock", lambda: moment)


def _link(mail):
    return re.search(r"http://\S+/password/set/\S+", mail.text_body).group(0)


def _path(link):
    return link.split("localhost", 1)[1]


def test_admin_creates_a_user_without_a_password_and_the_user_sets_it(app, client, db, login_as):
    login_as("admin")
    agency = make_agency()
    db.session.commit()
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert 'name="password"' not in page
    response = client.post("/admin/users/new", data={
        "name": "Delegasi Tapin", "email": "delegasi@tapin.go.id", "role": "delegate", "agency_id": agency.id,
    }, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Tautan untuk mengatur kata sandi telah dikirim ke delegasi@tapin.go.id." in html
    user = db.session.scalar(select(User).where(User.email == "delegasi@tapin.go.id"))
    assert user.password_hash == ""
    assert services.authenticate("delegasi@tapin.go.id", "not-a-real-password-used-for-timing") is None
    [mail] = _mails("account_welcome")
    assert mail.status == "sent" and mail.to_address == "delegasi@tapin.go.id"
    assert "Administrator" in mail.text_body and "Anda menerima e-mail ini" in mail.text_body
    link = _path(_link(mail))
    anonymous = app.test_client()
    assert 'autocomplete="new-password"' in anonymous.get(link).get_data(as_text=True)
    weak = anonymous.post(link, data={"new_password": "password123", "confirm": "password123"})
    assert "terlalu umum" in weak.get_data(as_text=True)
    done = anonymous.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.location.endswith("/login")
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    again = anonymous.get(link)  # single use: the hash it was made for is gone
    assert again.status_code == 410
    assert "sudah dipakai" in again.get_data(as_text=True)


def test_an_empty_password_hash_never_signs_in(db):
    """Regression: an account without a password matched the timing dummy's password."""
    make_user(email="kosong@example.id", password_hash="")
    assert services.authenticate("kosong@example.id", "not-a-real-password-used-for-timing") is None


def test_forgot_password_answers_the_same_for_unknown_addresses(app, client, db):
    user = make_user(email="ada@example.id")
    make_user(email="mati@example.id", active=False)
    db.session.commit()
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login and "Lupa kata sandi?" in login
    answers = []
    for email in ("ada@example.id", "tidak.ada@example.id", "mati@example.id"):
        response = client.post("/password/forgot", data={"email": email}, follow_redirects=True)
        assert response.status_code == 200
        page = re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "", response.get_data(as_text=True))
        answers.append(page.replace(email, "EMAIL"))
    assert answers[0] == answers[1] == answers[2]
    assert "Jika ada akun dengan alamat EMAIL" in answers[0]
    [mail] = _mails("password_reset")
    assert mail.to_address == "ada@example.id" and mail.object_id == user.id
    done = client.post(_path(_link(mail)), data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    db.session.expire_all()
    assert services.authenticate("ada@example.id", NEW_PASSWORD) is not None


def test_a_reset_link_expires(app, client, db, monkeypatch):
    user = make_user(email="lama@example.id")
    at(monkeypatch, "2026-03-02 08:00")
    token = links.make_token(user, links.RESET)
    db.session.commit()
    at(monkeypatch, "2026-03-02 09:59")
    assert client.get(f"/password/set/{token}").status_code == 200
    at(monkeypatch, "2026-03-02 10:01")
    response = client.get(f"/password/set/{token}")
    assert response.status_code == 410 and "kedaluwarsa" in response.get_data(as_text=True)
    assert client.get("/password/set/forged.token").status_code == 410


def test_a_welcome_link_lives_days_and_a_disabled_account_gets_none(app, client, db, monkeypatch):
    user = make_user(email="baru@example.id", password_hash="")
    at(monkeypatch, "2026-03-02 08:00")
    token = links.make_token(user, links.WELCOME)
    db.session.commit()
    at(monkeypatch, "2026-03-08 08:00")
    assert client.get(f"/password/set/{token}").status_code == 200
    at(monkeypatch, "2026-03-09 08:01")
    assert client.get(f"/password/set/{token}").status_code == 410
    at(monkeypatch, "2026-03-08 08:00")
    user.active = False
    db.session.commit()
    assert client.get(f"/password/set/{token}").status_code == 410


def test_forgot_password_is_rate_limited_per_client_and_per_address(app, client, db, monkeypatch):
    make_user(email="sering@example.id")
    db.session.commit()
    monkeypatch.setitem(app.config, "PASSWORD_RESET_ACCOUNT_LIMIT", "2 per hour")
    for _ in range(4):
        response = client.post("/password/forgot", data={"email": "sering@example.id"})
        assert response.status_code == 302  # the same answer, but no more mail
    assert len(_mails("password_reset")) == 2


def test_forgot_password_per_client_limit(app, db):
    from rakor.extensions import limiter

    limiter.reset()
    app.config["PASSWORD_RESET_RATE_LIMIT"] = "3 per minute"
    try:
        client = app.test_client()
        codes = [client.post("/password/forgot", data={"email": f"x{i}@example.id"}).status_code
                 for i in range(5)]
    finally:
        app.config["PASSWORD_RESET_RATE_LIMIT"] = "10000 per minute"
        limiter.reset()
    assert codes[:3] == [302, 302, 302] and codes[3:] == [429, 429]


def test_admin_sends_a_password_link_again_and_sees_a_refused_send(app, client, db, login_as, monkeypatch):
    from rakor.mail import transport

    login_as("admin")
    user = make_user(email="lupa@example.id")
    db.session.commit()
    monkeypatch.setattr(transport, "deliver", lambda rows: {row.id: "550 mailbox unavailable" for row in rows})
    response = client.post(f"/admin/users/{user.id}/password-link", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "tidak dapat dikirim ke lupa@example.id" in html and "telah dikirim" not in html
    [mail] = _mails("password_reset")
    assert mail.status == "failed"


@pytest.mark.parametrize("email", ["", "bukan-alamat"])
def test_forgot_password_form_errors(client, email):
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 200
