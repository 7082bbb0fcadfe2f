import pytest

from rakor.api import tokens
from rakor.extensions import db


@pytest.fixture
def token_of():
    """token_of(user, scope="write", **kw) -> the secret of a new token of `user`."""
    def make(user, scope="write", expires_at=None, name="Test"):
        secret = tokens.issue(user, name, scope, expires_at).secret
        db.session.commit()
        return secret

    return make


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}
