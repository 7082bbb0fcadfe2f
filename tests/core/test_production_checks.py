"""Production refuses to start without what a deployment must provide: a random SECRET_KEY and
a rate-limit storage shared by the gunicorn workers."""
import secrets

import pytest

import config
from rakor import create_app
from rakor.core.security import secret_key_problem

GOOD_KEY = "4f9c1e0b7a3d5e8f2c6b9a1d0e7f3c5b8a2d4e6f1c9b7a3e5d0f8c2b6a4e1d9f"
REDIS = "redis://127.0.0.1:6379/15"  # never contacted: the app is refused before it starts


@pytest.fixture(autouse=True)
def keep_limiter(monkeypatch):
    """The limiter is one object for every app; should an app be created after all, the suite's
    app gets its own storage back."""
    from rakor.extensions import limiter

    for name, value in vars(limiter).copy().items():
        monkeypatch.setattr(limiter, name, value)


def production(**settings):
    return type("Prod", (config.ProductionConfig,), {
        "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": GOOD_KEY, "RATELIMIT_STORAGE_URI": REDIS,
        "BASE_URL": "https://rakor.bappeda.example.go.id", **settings})


@pytest.mark.parametrize("key", [
    "a" * 32,
    "a" * 64,
    "abcd" * 8,
    "abcdefgh" * 4,
    "Rakor2024!" * 4,
    "abcdefghijklmnopqrstuvwxyz012345",
    config.DEV_SECRET_KEY,
    config.DEV_SECRET_KEY + "-production",
    "too-short-but-random-Xq9",
    "",
    None,
])
def test_weak_secret_keys_are_refused(key):
    assert secret_key_problem(key, config.DEV_SECRET_KEY) is not None


def test_random_secret_keys_are_accepted():
    for _ in range(500):
        assert secret_key_problem(secrets.token_hex(32), config.DEV_SECRET_KEY) is None
        assert secret_key_problem(secrets.token_urlsafe(32), config.DEV_SECRET_KEY) is None


@pytest.mark.parametrize("key", ["a" * 32, "abcd" * 8, config.DEV_SECRET_KEY])
def test_production_refuses_to_start_with_a_weak_key(key):
    with pytest.raises(RuntimeError, match="SECRET_KEY .*secrets.token_hex"):
        create_app(production(SECRET_KEY=key))


def test_production_refuses_to_start_with_per_worker_rate_limits():
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI is memory://.*redis://"):
        create_app(production(RATELIMIT_STORAGE_URI="memory://"))


def test_production_without_redis_configured_is_refused(monkeypatch):
    # What the environment gives when neither RATELIMIT_STORAGE_URI nor REDIS_URL is set.
    assert config.Config.RATELIMIT_STORAGE_URI == (config.Config.REDIS_URL or "memory://")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app(production(RATELIMIT_STORAGE_URI=None))


def test_production_starts_with_a_random_key_and_redis():
    app = create_app(production())
    assert app.config["HSTS"].startswith("max-age=")


def test_development_may_use_the_development_key_and_memory_storage():
    class Dev(config.Config):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        SECRET_KEY = config.DEV_SECRET_KEY
        RATELIMIT_STORAGE_URI = "memory://"

    assert create_app(Dev).config["HSTS"] is None


@pytest.mark.parametrize("base_url", [None, "", "rakor.bappeda.example.go.id", "ftp://rakor.example.id",
                                      "https://rakor.example.id/?x=1"])
def test_production_refuses_to_start_without_a_base_url(base_url):
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app(production(BASE_URL=base_url))


def test_production_trusts_only_the_base_url_host_and_trusted_hosts():
    app = create_app(production(EXTRA_TRUSTED_HOSTS="intranet.bappeda.local"))
    assert app.config["ALLOWED_HOSTS"] == ["rakor.bappeda.example.go.id", "intranet.bappeda.local"]
