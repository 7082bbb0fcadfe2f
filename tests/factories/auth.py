"""Users."""
from rakor.auth.models import User
from rakor.auth.passwords import hash_password
from rakor.extensions import db
from tests.factories.core import next_number
from tests.factories.regions import make_agency

DEFAULT_PASSWORD = "Kotabaru-Rakor-2024!"
_HASH = None


def _password_hash(password):
    global _HASH
    if password != DEFAULT_PASSWORD:
        return hash_password(password)
    if _HASH is None:  # argon2 is slow on purpose; hash the common test password once
        _HASH = hash_password(DEFAULT_PASSWORD)
    return _HASH


def make_user(role="committee", agency=None, password=DEFAULT_PASSWORD, **overrides):
    n = next_number()
    if role == "delegate" and agency is None:
        agency = make_agency()
    fields = {"email": f"user{n}@example.id", "name": f"Pengguna {n}", "role": role,
              "agency": agency, "password_hash": _password_hash(password)}
    fields.update(overrides)
    user = User(**fields)
    db.session.add(user)
    db.session.flush()
    return user
