"""The unknown-account path of the login verifies against a fixed hash (rakor/auth/passwords.py)."""
from rakor.auth import passwords


def test_the_dummy_hash_has_the_hashers_parameters_so_an_unknown_email_takes_as_long():
    # A hash made with other parameters (memory, time, parallelism) would verify faster or
    # slower than a real account's, and the login's timing would tell which emails exist.
    assert not passwords._hasher.check_needs_rehash(passwords._DUMMY_HASH)


def test_no_password_matches_an_account_without_one():
    assert passwords.verify_password(None, "not-a-real-password-used-for-timing") is False
    assert passwords.verify_password("", "anything at all") is False


def test_a_real_hash_verifies_and_a_wrong_password_does_not():
    h = passwords.hash_password("kelapa sawit berbuah lebat")
    assert passwords.verify_password(h, "kelapa sawit berbuah lebat") is True
    assert passwords.verify_password(h, "kelapa sawit berbuah") is False
