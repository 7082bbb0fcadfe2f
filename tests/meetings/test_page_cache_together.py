"""A reader's page put together from the reader's kept shell and the content kept for the viewer
class (rakor/core/page_cache.py `Shell`, `kept_together`; meetings/web.py `kept_for_reader`, the
meeting page). A write of the meeting day (a check-in, a registration, a commitment) ends every
reader's whole page; the first reader of a class renders the content again, and every other
reader of that class then gets the page without a query beyond the signed-in user, the same page
a render would give them, kept whole again for their next request."""
import re
import time
import uuid
from datetime import timedelta

import pytest

from rakor.commitments import services as commitment_services
from rakor.core import page_cache
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from tests.factories import first_agency_commitment, make_agenda_item, make_participant, make_user
from tests.helpers import REDIS_URL, client_of, redis_or_skip, without_csrf_tokens
from tests.meetings.test_page_cache import READER_PAGES, _invite

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOTALS = re.compile(r'id="participants-totals">(.*?)</div>', re.S)
NEW_NAME = "Rahmadi Pendaftar Baru"


def what_the_write_changes(html, path):
    """What the write of `write_shown_on` changes on the page: whether the lists show the name,
    the meeting page's participants totals."""
    return NEW_NAME in html if path else " ".join(TOTALS.search(html).group(1).split())


@pytest.fixture
def store(app):
    return app.extensions["rakor.page_cache"]


def get(client, meeting, path):
    response = client.get(f"/meetings/{meeting.id}{path}")
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers["X-Page-Cache"]


def write_shown_on(app, setting, path, title):
    """A committed write that the page at `path` shows: a commitment on the commitments page, a
    registration on the meeting page and the participants page."""
    if path == "/commitments":
        with app.test_request_context():
            commitment_services.create_commitment(setting.meeting, first_agency_commitment(setting, title=title),
                                                  setting.delegate, submit=True)
    else:
        make_participant(setting.meeting, setting.agencies[0], name=title)
    _db.session.commit()


@pytest.mark.parametrize("path", READER_PAGES)
@pytest.mark.parametrize("role", ["committee", "delegate"])
def test_after_a_write_another_reader_of_the_class_gets_the_page_put_together(
        app, db, cm, store, count_queries, page_cache_header, role, path):
    cm.meeting.status = "held"
    make_agenda_item(cm.meeting, title="Paparan Kemiskinan Ekstrem")
    first = cm.committee if role == "committee" else cm.delegate
    second = make_user(role, agency=first.agency, name="Pembaca Kedua")
    _db.session.commit()
    clients = [client_of(app, first), client_of(app, second)]
    for client in clients:
        get(client, cm.meeting, path)
        assert get(client, cm.meeting, path)[1] == "kept:hit"

    before = what_the_write_changes(get(clients[1], cm.meeting, path)[0], path)
    write_shown_on(app, cm, path, NEW_NAME)
    html_first, found = get(clients[0], cm.meeting, path)
    assert found.startswith("kept:miss,together:miss,")  # the class's content is rendered again
    after = what_the_write_changes(html_first, path)
    assert after != before

    with count_queries() as log:
        html, found = get(clients[1], cm.meeting, path)
    assert found == "kept:miss,together:hit"
    assert len(log.selects) == 1 and "user_account" in log.selects[0]  # no meeting, no access check
    assert what_the_write_changes(html, path) == after and "Pembaca Kedua" in html
    token = CSRF.search(html)
    assert token is None or token.group(1) not in html_first  # the reader's own token, if the page has forms
    # Kept whole again for the next request, and the very page a render gives this reader.
    # (CSRF tokens blanked: each carries the second it was made in.)
    again, found = get(clients[1], cm.meeting, path)
    assert found == "kept:hit" and without_csrf_tokens(again) == without_csrf_tokens(html)
    store.values.clear()
    rendered, found = get(clients[1], cm.meeting, path)
    assert found.startswith("kept:miss,together:miss,")
    assert without_csrf_tokens(rendered) == without_csrf_tokens(html)


def test_a_page_put_together_lives_no_longer_than_the_link_that_lets_the_reader_in(
        app, db, cm, store, page_cache_header):
    """Two delegates of an agency invited by a link that ends in 90 s: the shells, and the page put
    together from one, are kept no longer than the link."""
    from tests.factories import make_agency

    agency = make_agency()
    _invite(cm.meeting, agency, utcnow() + timedelta(seconds=90))
    readers = [make_user("delegate", agency=agency) for _ in range(2)]
    _db.session.commit()
    clients = [client_of(app, reader) for reader in readers]
    for client in clients:
        get(client, cm.meeting, "")
    make_participant(cm.meeting, cm.agencies[0], name="Peserta Lain")
    _db.session.commit()
    assert get(clients[0], cm.meeting, "")[1].startswith("kept:miss,together:miss,")
    assert get(clients[1], cm.meeting, "")[1] == "kept:miss,together:hit"
    now = time.monotonic()
    lifetimes = {key: expires - now for key, (_value, expires) in store.values.items()
                 if f":reader:{readers[1].id}" in key}
    assert {key.endswith(":shell") for key in lifetimes} == {True, False}  # the shell and the page
    assert all(0 < left <= 90 for left in lifetimes.values()), lifetimes


def test_no_page_is_put_together_while_a_flashed_message_waits(app, db, cm, page_cache_header):
    second = make_user("committee", name="Pembaca Kedua")
    _db.session.commit()
    clients = [client_of(app, cm.committee), client_of(app, second)]
    for client in clients:
        get(client, cm.meeting, "")
    make_participant(cm.meeting, cm.agencies[0])
    _db.session.commit()
    get(clients[0], cm.meeting, "")
    with clients[1].session_transaction() as session:
        session["_flashes"] = [("success", "Tersimpan sekali saja")]
    html, found = get(clients[1], cm.meeting, "")
    assert "Tersimpan sekali saja" in html and "together" not in found
    assert "Tersimpan sekali saja" not in get(clients[1], cm.meeting, "")[0]


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_each_store_reads_versions_entries_and_the_first_entrys_time_left_at_once(kind):
    """`read_many` (kept_together's one round trip) and `write_many`, the same on both stores."""
    if kind == "redis":
        connection = redis_or_skip("REDIS TESTS", "the memory store is tested anyway")
        namespace = f"test-{uuid.uuid4().hex}"
        store = page_cache.RedisStore(REDIS_URL, namespace)
    else:
        store = page_cache.MemoryStore()
    try:
        store.bump(["meeting:1"])
        store.bump(["meeting:1", "reader:2"])
        store.write_many([("shell", "around", 60), ("content", "inside", 30)])
        versions, values, left = store.read_many(["meeting:1", "reader:2", "meeting:9"], ["shell", "content", "gone"],
                                                 left=True)
        assert versions == [2, 1, 0]
        assert [v.decode() if isinstance(v, bytes) else v for v in values] == ["around", "inside", None]
        assert 55 < left <= 60
        assert store.read_many(["meeting:1"], ["gone", "shell"], left=True)[2] is None  # the first one is missing
        assert store.read_many(["meeting:1"], ["shell"])[1:] == ([b"around" if kind == "redis" else "around"], None)
    finally:
        if kind == "redis":
            keys = list(connection.scan_iter(f"rakor:page:{namespace}:*"))
            if keys:
                connection.delete(*keys)
            connection.close()
