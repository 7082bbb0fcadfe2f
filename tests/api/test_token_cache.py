"""A token's lookup kept in Redis (rakor/api/token_cache.py): no query while it is kept, and
still refused at once when the token is revoked or its user deactivated, given another role
or deleted; no secret in Redis; a Redis that does not answer only costs the query."""
import json
import uuid

import pytest
from sqlalchemy import select, update

from rakor.api import token_cache, tokens
from rakor.api.models import ApiToken
from rakor.auth import services as auth_services
from rakor.auth.models import User
from rakor.extensions import db
from tests.api.conftest import bearer
from tests.factories import make_agency, make_user
from tests.helpers import REDIS_URL, UNREACHABLE, sign_in, store_on_test_redis


@pytest.fixture
def kept(app, monkeypatch):
    """The token cache on the test Redis (REDIS_TEST_URL), in a namespace of this test."""
    yield from store_on_test_redis(app, monkeypatch, "rakor.api.token_cache", token_cache.TokenCache,
                                   "TOKEN CACHE TESTS", "the lookup without it is tested anyway")


def _queries(seen):
    """The statements of the requests (not the test's savepoints around them)."""
    return [s for s in seen if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def _token_queries(seen):
    return [s for s in seen if "api_token" in s]


def test_a_kept_lookup_asks_the_database_nothing(client, token_of, kept, statements):
    secret = token_of(make_user("committee"))
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    statements.clear()
    for _ in range(3):
        assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    assert _token_queries(statements) == []
    assert not any("user_account" in s for s in statements)


def test_the_entry_holds_no_secret(client, token_of, kept):
    user = make_user("committee")
    secret = token_of(user)
    client.get("/api/v1/regions", headers=bearer(secret))
    stored = kept.redis.get(kept.prefix + "e:" + tokens.digest(secret))
    assert stored is not None
    entry = json.loads(stored)
    assert entry["user"]["id"] == user.id and entry["user"]["role"] == "committee"
    text = stored.decode()
    assert secret not in text
    for secret_value in (user.password_hash, user.session_token):
        assert secret_value not in text
    assert "password_hash" not in entry["user"] and "session_token" not in entry["user"]


def test_a_revocation_on_the_account_page_acts_at_once(client, token_of, kept):
    owner = make_user("committee")
    secret = token_of(owner)
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.digest(secret)))
    sign_in(client, owner)
    assert client.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 401


def test_a_deactivated_users_token_stops_at_once(client, token_of, kept):
    admin, user = make_user("admin"), make_user("committee")
    secret = token_of(user)
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    auth_services.set_active(user, False, admin)
    db.session.commit()
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 401
    auth_services.set_active(user, True, admin)
    db.session.commit()
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200


def test_a_new_role_counts_from_the_next_request(client, token_of, kept):
    user = make_user("committee")
    secret = token_of(user)
    assert client.get("/api/v1/dashboard", headers=bearer(secret)).status_code == 200
    user.role, user.agency = "delegate", make_agency()
    db.session.commit()
    assert client.get("/api/v1/dashboard", headers=bearer(secret)).status_code == 403


def test_a_bulk_update_or_a_deleted_user_stops_the_token_at_once(client, token_of, kept):
    first, second = make_user("committee"), make_user("committee")
    first_secret, second_secret = token_of(first), token_of(second)
    for secret in (first_secret, second_secret):
        assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    db.session.execute(update(User).where(User.id == first.id).values(active=False))
    db.session.commit()
    assert client.get("/api/v1/regions", headers=bearer(first_secret)).status_code == 401
    db.session.execute(ApiToken.__table__.delete().where(ApiToken.user_id == second.id))
    db.session.delete(second)
    db.session.commit()
    assert client.get("/api/v1/regions", headers=bearer(second_secret)).status_code == 401


def test_a_sign_in_or_a_recorded_use_keeps_the_entry(client, token_of, kept, statements):
    """Frequent changes that an entry does not hold do not send every token back to the database."""
    user = make_user("committee")
    secret = token_of(user)
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    sign_in(client, user)  # last_login_at and a new session token
    client.get("/logout")
    statements.clear()
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    assert _token_queries(statements) == []


def test_a_use_is_recorded_while_the_lookup_is_kept(client, token_of, kept):
    user = make_user("committee")
    secret = token_of(user)
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.digest(secret)))
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    db.session.refresh(token)
    # A minute later (made so: its last use set back), the next request records the use again.
    earlier = token.last_used_at.replace(year=token.last_used_at.year - 1)
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=earlier)
                       .execution_options(api_token_cache=False))
    db.session.commit()
    entry = json.loads(kept.redis.get(kept.prefix + "e:" + token.token_hash))
    entry["token"]["last_used_at"] = earlier.isoformat()
    kept.redis.set(kept.prefix + "e:" + token.token_hash, json.dumps(entry))
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at > earlier
    kept_use = json.loads(kept.redis.get(kept.prefix + "e:" + token.token_hash))["token"]["last_used_at"]
    assert kept_use > earlier.isoformat()


def test_a_redis_that_does_not_answer_costs_only_the_query(app, client, token_of, monkeypatch):
    monkeypatch.setitem(app.extensions, "rakor.api.token_cache",
                        token_cache.TokenCache(UNREACHABLE, "unreachable", 60))
    user = make_user("committee")
    secret = token_of(user)
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 401



def test_the_rate_limit_is_counted_in_the_round_trip_of_the_lookup(app, client, token_of, kept, monkeypatch):
    """With the limiter's storage on the same Redis (production's default), a request with a
    token goes to Redis once (its limit counted with the entry read), under limits' own keys."""
    import redis
    from limits import parse
    from limits.storage import RedisStorage
    from limits.strategies import FixedWindowRateLimiter

    from rakor.api.auth import rate_limit_key
    from rakor.extensions import limiter

    storage = RedisStorage(REDIS_URL, key_prefix=f"test-limits-{uuid.uuid4().hex}")
    monkeypatch.setattr(limiter, "_storage", storage)
    monkeypatch.setattr(limiter, "_limiter", FixedWindowRateLimiter(storage))
    for name, value in (("RATELIMIT_STORAGE_URI", REDIS_URL), ("REDIS_URL", REDIS_URL),
                        ("API_RATE_LIMIT", "3 per minute")):
        monkeypatch.setitem(app.config, name, value)
    round_trips = []
    send = redis.connection.AbstractConnection.send_packed_command
    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command",
                        lambda self, command, check_health=True: (round_trips.append(1),
                                                                  send(self, command, check_health))[1])
    try:
        secret = token_of(make_user("committee"))
        assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200  # entry kept
        round_trips.clear()
        assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
        assert len(round_trips) == 1
        assert client.get("/api/v1/regions", headers=bearer(secret)).status_code == 200
        refused = client.get("/api/v1/regions", headers=bearer(secret))
        assert refused.status_code == 429
        assert refused.headers["Content-Type"] == "application/problem+json"
        assert int(refused.headers["Retry-After"]) >= 1
        # limits' fixed window (the path without the token cache) sees the same count
        window = limiter.limiter.get_window_stats(parse("3 per minute"), rate_limit_key(tokens.digest(secret)),
                                                  "api_reference.list_regions")
        assert window.remaining == 0
        other = token_of(make_user("committee"))
        assert client.get("/api/v1/regions", headers=bearer(other)).status_code == 200
    finally:
        storage.reset()


def test_a_scoped_users_extra_agencies_are_kept_and_a_change_of_them_acts_at_once(client, token_of, kept,
                                                                                  statements):
    """Tenancy: a regency's committee that the administrator lets act for another regency. Its
    extra agencies are kept with the lookup (the list is then its one query), and changing them
    (added, then taken away) moves what its token sees from the next request on."""
    from rakor.auth.models import user_managed_agency
    from rakor.regions.programmes import load_shipped_programmes
    from tests.factories import commitment_data, make_commitment, topic_id, two_organizers

    load_shipped_programmes()
    s = two_organizers()
    theirs = make_commitment(s.meeting_b, s.committee_b, commitment_data(s.office_b, topic_id("KEMISKINAN")))
    admin = make_user("admin")
    db.session.commit()
    secret = token_of(s.committee_a)

    def listed():
        response = client.get("/api/v1/commitments?limit=100", headers=bearer(secret))
        assert response.status_code == 200
        return {item["id"] for item in response.json["items"]}

    assert theirs.id not in listed()
    listed()  # the token's "last used" is written at most once a minute: not in what follows
    statements.clear()
    assert theirs.id not in listed()
    assert not any("user_managed_agency" in s or "api_token" in s for s in statements)
    assert len(_queries(statements)) == 1
    auth_services.set_extra_agencies(s.committee_a, [s.agency_b.id])
    db.session.commit()
    assert theirs.id in listed()
    statements.clear()
    assert theirs.id in listed()
    assert len(_queries(statements)) == 1
    auth_services.set_extra_agencies(s.committee_a, [])
    db.session.commit()
    assert theirs.id not in listed()
    # Written on the table by hand too (a migration, a console): the same.
    db.session.execute(user_managed_agency.insert().values(user_id=s.committee_a.id, agency_id=s.agency_b.id))
    db.session.commit()
    assert theirs.id in listed()
    assert admin.id  # the administrator exists: set_extra_agencies is what its page calls
