import pytest
from sqlalchemy import select

from rakor.auth.models import User
from rakor.auth.passwords import verify_password
from tests.factories import DEFAULT_PASSWORD, make_user


def test_change_own_password(app, client, db, login_as):
    user = login_as("delegate")
    other = app.test_client()
    with other.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
    html = client.post("/account/password", data={
        "current_password": "wrong", "new_password": "x", "confirm": "y"}).get_data(as_text=True)
    assert "Kata sandi tidak sama." in html
    html = client.post("/account/password", data={
        "current_password": "wrong", "new_password": "qwerty123456", "confirm": "qwerty123456",
    }).get_data(as_text=True)
    assert "Kata sandi saat ini tidak benar." in html
    html = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "short", "confirm": "short",
    }).get_data(as_text=True)
    assert "minimal 10 karakter" in html
    html = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "qwerty123456", "confirm": "qwerty123456",
    }).get_data(as_text=True)
    assert "terlalu umum" in html
    response = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "Sungai-Martapura-Pagi-9",
        "confirm": "Sungai-Martapura-Pagi-9",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert verify_password(db.session.get(User, user.id).password_hash, "Sungai-Martapura-Pagi-9")
    assert client.get("/").status_code == 200      # this session continues
    assert other.get("/").status_code == 302       # the others ended


def test_cli_create_admin_reads_password_from_stdin(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "--email", "Boss@Example.id"],
                           input="Kalsel-Admin-Kuat-2024\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.id"))
    assert user.role == "admin" and verify_password(user.password_hash, "Kalsel-Admin-Kuat-2024")
    result = runner.invoke(args=["users", "create-admin", "--email", "weak@example.id"], input="password\n")
    assert result.exit_code != 0 and "Error" in result.output


@pytest.mark.demo
def test_demo_load_is_idempotent(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    n = db.session.scalar(select(User.id).where(User.email == "panitia@demo.rakor.id"))
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    users = db.session.scalars(select(User).where(User.is_demo.is_(True))).all()
    assert {u.role for u in users} == {"admin", "committee", "delegate", "leadership"}
    # One per role, and the second organizer's committee (Bappeda Kotabaru, tenancy).
    assert len(users) == 5 and n in {u.id for u in users}
    assert {u.email for u in users if u.role == "committee"} == {"panitia@demo.rakor.id", "panitia.kotabaru@demo.rakor.id"}
    delegate = next(u for u in users if u.role == "delegate")
    assert delegate.agency.name == "Bappeda Kabupaten Kotabaru"


def test_factory_user_is_usable():
    assert make_user().is_active
