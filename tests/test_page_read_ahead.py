"""A reader's kept page read in the same round trip as the reader's session entry
(core/page_cache.py `read_ahead_names`, auth/session_cache.py `read_entry`): after the first
request to an address, a kept meeting page, commitments, participants, progress page or home
costs one round trip to Redis, not two; what is served is what a lookup of its own would serve
(a write between two requests is seen); another language asks anew; stores on different Redis
servers or databases keep to their own round trips."""
import re
import uuid

import pytest

from rakor.auth import session_cache
from rakor.core import page_cache
from rakor.extensions import db as _db
from tests.factories import make_participant
from tests.helpers import REDIS_URL, client_of, redis_or_skip, without_csrf_tokens

PAGES = ["/meetings/{id}", "/meetings/{id}/commitments", "/meetings/{id}/participants", "/progress", "/"]


class Counted:
    """Counts the commands a Redis client sends (a pipeline is one)."""

    def __init__(self, monkeypatch, *clients):
        self.commands = []
        for client in clients:
            original = client.execute_command

            def counted(*args, _original=original, **kwargs):
                self.commands.append(args[0])
                return _original(*args, **kwargs)

            monkeypatch.setattr(client, "execute_command", counted)


@pytest.fixture
def stores(app, monkeypatch):
    """The page cache and the session cache on the test Redis, as production has them (one
    REDIS_URL); namespaced for this test, emptied afterwards."""
    connection = redis_or_skip("READ-AHEAD TESTS", "each cache alone is tested anyway")
    namespace = f"test-{uuid.uuid4().hex}"
    pages = page_cache.RedisStore(REDIS_URL, namespace)
    users = session_cache.SessionCache(REDIS_URL, namespace, 60)
    monkeypatch.setitem(app.extensions, "rakor.page_cache", pages)
    monkeypatch.setitem(app.extensions, "rakor.auth.session_cache", users)
    monkeypatch.setattr(page_cache, "_LOOKED_UP", {}, raising=False)
    yield pages, users
    keys = [*connection.scan_iter(f"{pages.prefix}*"), *connection.scan_iter(f"{users.prefix}*")]
    if keys:
        connection.delete(*keys)
    connection.close()


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return without_csrf_tokens(response.get_data(as_text=True))


@pytest.mark.parametrize("template", PAGES)
def test_a_kept_page_costs_one_round_trip(app, db, cm, stores, monkeypatch, template):
    path = template.format(id=cm.meeting.id)
    client = client_of(app, cm.committee)
    first = _get(client, path)
    assert _get(client, path) == first  # kept, looked up on its own
    counted = Counted(monkeypatch, *(store.redis for store in stores))
    assert _get(client, path) == first
    assert counted.commands == ["MGET"]


def test_a_write_between_two_requests_is_seen(app, db, cm, stores):
    path = f"/meetings/{cm.meeting.id}/participants"
    client = client_of(app, cm.committee)
    _get(client, path)
    assert "Rahmadi Baru Datang" not in _get(client, path)
    make_participant(cm.meeting, cm.agencies[0], name="Rahmadi Baru Datang")
    _db.session.commit()
    assert "Rahmadi Baru Datang" in _get(client, path)


def test_another_language_asks_anew(app, db, cm, stores, monkeypatch):
    path = f"/meetings/{cm.meeting.id}/commitments"
    client = client_of(app, cm.committee)
    _get(client, path)
    _get(client, path)
    client.post("/language", data={"lang": "en", "next": path})
    english = _get(client, path)
    assert re.search(r'<html lang="en"', english)
    counted = Counted(monkeypatch, *(store.redis for store in stores))
    assert _get(client, path) == english
    assert counted.commands == ["MGET"]  # the English page is the one read ahead now


def test_stores_on_different_redis_databases_keep_to_their_own(app, db, cm, stores, monkeypatch):
    pages, _users = stores
    elsewhere = REDIS_URL.rsplit("/", 1)[0] + "/13"
    users = session_cache.SessionCache(elsewhere, f"test-{uuid.uuid4().hex}", 60)
    monkeypatch.setitem(app.extensions, "rakor.auth.session_cache", users)
    path = f"/meetings/{cm.meeting.id}"
    client = client_of(app, cm.committee)
    first = _get(client, path)
    _get(client, path)
    counted = Counted(monkeypatch, pages.redis, users.redis)
    try:
        assert _get(client, path) == first
        assert counted.commands == ["MGET", "MGET"]
    finally:
        for key in users.redis.scan_iter(f"{users.prefix}*"):
            users.redis.delete(key)
