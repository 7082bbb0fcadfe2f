"""Password hashing (argon2id via argon2-cffi) and the password policy (zxcvbn)."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 128
_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps the response time the same, so the
# login form does not tell which emails have accounts. Written out rather than hashed at import:
# hashing costs about half a second of CPU in every process that imports the app (each CLI call,
# worker and test subprocess). tests/auth/test_passwords.py checks that it still has the
# hasher's parameters, so that its verification takes as long as a real one.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$VpGXxXoMA7xB/xBY/maKPw$r1KxyVOMFtBxo/UvuVm4j0IJ7kKHAOIINIgo63DszW4"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        # An empty hash is an account whose password was never set (it waits for its link):
        # it is checked against the dummy for the timing and never matches.
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_problems(password: str, user_inputs=()) -> list[str]:
    """Why this password is not acceptable (empty list: it is)."""
    if len(password) < MIN_LENGTH:
        return [_("The password must be at least %(n)d characters long.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [_("The password must be at most %(n)d characters long.", n=MAX_LENGTH)]
    # zxcvbn knows the common-password lists; score < 2 means guessable in minutes.
    result = zxcvbn(password[:100], user_inputs=[u for u in user_inputs if u])
    if result["score"] < 2:
        return [_("This password is too common or too easy to guess. Use a longer phrase.")]
    return []
