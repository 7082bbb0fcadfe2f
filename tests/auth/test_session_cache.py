"""The signed-in user's row kept in Redis (rakor/auth/session_cache.py): no query of it while it
is kept, yet a session signed out everywhere (a new password), a deactivated user, a new role or
new agencies count from the next request on, whatever changed them (a form, a service, a bulk
UPDATE); no secret in Redis; a Redis that does not answer only costs the query."""
import json
import re

import pytest
from sqlalchemy import update

from rakor.auth import services as auth_services
from rakor.auth import session_cache, tenancy
from rakor.auth.models import User, user_managed_agency
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.notices import services as notice_services
from rakor.notices.models import Notice
from tests.factories import make_agency, make_meeting, make_user
from tests.helpers import UNREACHABLE, client_of, store_on_test_redis


@pytest.fixture
def kept(app, monkeypatch):
    """The session cache on the test Redis (REDIS_TEST_URL), in a namespace of this test."""
    yield from store_on_test_redis(app, monkeypatch, "rakor.auth.session_cache", session_cache.SessionCache,
                                   "SESSION CACHE TESTS", "the sign-in without it is tested anyway")


def _user_reads(seen):
    return [s for s in seen if "FROM user_account" in s]


def _signed_in(client):
    """Whether the client's session still signs it in (the notices page, else the sign-in page)."""
    response = client.get("/notices")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_kept_user_is_not_read_again(app, db, kept, statements):
    meeting = make_meeting(title="Rakor Tanpa Baris Pengguna")
    client = client_of(app, make_user("committee", name="Panitia Tersimpan"))
    db.session.commit()
    assert "Panitia Tersimpan" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    statements.clear()
    for _ in range(3):
        html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
        assert "Rakor Tanpa Baris Pengguna" in html and "Panitia Tersimpan" in html
    assert _user_reads(statements) == []
    assert "Panitia Tersimpan" in client.get("/notices").get_data(as_text=True)  # a page rendered for it


def test_the_entry_holds_no_secret(app, db, kept):
    user = make_user("committee")
    db.session.commit()
    client = client_of(app, user)
    assert _signed_in(client)
    stored = kept.redis.get(f"{kept.prefix}e:{user.id}")
    assert stored is not None
    entry = json.loads(stored)
    assert entry["user"]["id"] == user.id and entry["user"]["role"] == "committee"
    text = stored.decode()
    for secret in (user.password_hash, user.session_token):
        assert secret not in text
    assert {"password_hash", "session_token", "calendar_token"}.isdisjoint(entry["user"])


def test_signing_out_everywhere_ends_every_kept_session_at_once(app, db, kept):
    user = make_user("committee")
    db.session.commit()
    phone, laptop = client_of(app, user), client_of(app, user)
    assert _signed_in(phone) and _signed_in(laptop) and _signed_in(laptop)
    auth_services.sign_out_everywhere(user)
    db.session.commit()
    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    # A session signed in again works, and the old cookie stays refused once the entry is kept anew.
    fresh = client_of(app, user)
    assert _signed_in(fresh) and _signed_in(fresh)
    assert not _signed_in(phone)


def test_a_cookie_with_another_token_is_refused_by_a_kept_entry(app, db, kept, statements):
    user = make_user("committee")
    db.session.commit()
    client = client_of(app, user)
    assert _signed_in(client)
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = f"{user.id}:{'0' * 43}"
        session["_fresh"] = True
    statements.clear()
    assert not _signed_in(forged)
    assert _user_reads(statements) == []  # refused by the entry, which holds


def test_a_deactivated_user_is_refused_at_once(app, db, kept):
    admin, user = make_user("admin"), make_user("committee")
    db.session.commit()
    client = client_of(app, user)
    assert _signed_in(client) and _signed_in(client)
    auth_services.set_active(user, False, admin)
    db.session.commit()
    assert not _signed_in(client)


def test_a_new_role_counts_from_the_next_request(app, db, kept):
    user = make_user("committee")
    db.session.commit()
    client = client_of(app, user)
    assert client.get("/progress").status_code == 200
    assert client.get("/progress").status_code == 200
    user.role, user.agency = "delegate", make_agency()
    db.session.commit()
    assert client.get("/progress").status_code == 403


def test_new_extra_agencies_count_from_the_next_request(app, db, kept):
    """Tenancy: the agencies a committee account acts for are in the entry. The account page's
    change of them ends the user's sessions (auth.services.set_extra_agencies); a row of them
    written any other way moves the counter, so the next request reads them anew."""
    organizer, other, third = make_agency(), make_agency(), make_agency()
    user = make_user("committee", agency=organizer)
    db.session.commit()
    client = client_of(app, user)
    assert _signed_in(client)

    def kept_agencies():
        with app.test_request_context():
            found, _stamp, answers = session_cache.lookup(user.id, user.session_token)
            if found is None:
                return None
            tenancy.keep_extra_agency_ids(found, answers["extra_agency_ids"])
            return tenancy.own_agency_ids(found)

    assert kept_agencies() == {organizer.id}
    auth_services.set_extra_agencies(user, [other.id])
    db.session.commit()
    assert kept_agencies() is None and not _signed_in(client)
    client = client_of(app, user)
    assert _signed_in(client)
    assert kept_agencies() == {organizer.id, other.id}
    db.session.execute(user_managed_agency.insert().values(user_id=user.id, agency_id=third.id))
    db.session.commit()
    assert kept_agencies() is None  # the entry no longer holds
    assert _signed_in(client)
    assert kept_agencies() == {organizer.id, other.id, third.id}


def test_a_bulk_update_of_users_moves_the_counter(app, db, kept):
    user = make_user("committee")
    db.session.commit()
    client = client_of(app, user)
    assert _signed_in(client) and _signed_in(client)
    db.session.execute(update(User).where(User.id == user.id).values(active=False))
    db.session.commit()
    assert not _signed_in(client)


def test_a_redis_that_does_not_answer_costs_the_query_not_an_error(app, db, monkeypatch):
    monkeypatch.setitem(app.extensions, "rakor.auth.session_cache",
                        session_cache.SessionCache(UNREACHABLE, "test-unreachable", 60))
    user = make_user("committee")
    db.session.commit()
    client = client_of(app, user)
    assert _signed_in(client) and _signed_in(client)
    auth_services.sign_out_everywhere(user)
    db.session.commit()
    assert not _signed_in(client)


def test_off_without_redis(app):
    """The suite's app has no REDIS_URL: the user is read from the database (the tests above set
    the cache on themselves)."""
    assert "rakor.auth.session_cache" not in app.extensions


# --- the navbar's unread count, kept in the entry -----------------------------------------------

def _badge(client, path):
    """The navbar's unread count on `path` (0 without a badge)."""
    html = client.get(path).get_data(as_text=True)
    assert "Panitia Berkabar" in html or "Utusan Berkabar" in html
    found = re.search(r'id="nav-unread-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def _notice(user, read=False):
    notice = Notice(user_id=user.id, kind="test", params={}, created_at=utcnow(),
                    read_at=utcnow() if read else None)
    _db.session.add(notice)
    return notice


def _count_reads(seen):
    return [s for s in seen if "FROM notice" in s]


def test_a_kept_user_brings_its_unread_count(app, db, kept, statements):
    """A page rendered for a user whose entry holds (the dashboard: its layout is rendered on every
    request) asks neither for the user's row nor for its unread notices."""
    make_meeting(title="Rakor Berkabar")
    user = make_user("committee", name="Panitia Berkabar")
    _notice(user), _notice(user), _notice(user, read=True)
    db.session.commit()
    client = client_of(app, user)
    assert _badge(client, "/progress") == 2
    statements.clear()
    assert _badge(client, "/progress") == 2
    assert _user_reads(statements) == [] and _count_reads(statements) == []


def test_a_new_or_read_notice_moves_only_its_users_entry(app, db, kept, statements):
    make_meeting(title="Rakor Berkabar")
    user = make_user("committee", name="Panitia Berkabar")
    other = make_user("committee", name="Panitia Berkabar Lain")
    db.session.commit()
    mine, theirs = client_of(app, user), client_of(app, other)
    path = "/progress"
    assert _badge(mine, path) == 0 and _badge(theirs, path) == 0
    notice = _notice(user)
    db.session.commit()
    statements.clear()
    assert _badge(mine, path) == 1  # read anew: its own counter moved
    assert len(_user_reads(statements)) == 1
    statements.clear()
    assert _badge(theirs, path) == 0  # the other user's entry still holds
    assert _user_reads(statements) == [] and _count_reads(statements) == []
    notice_services.mark_read(db.session.get(Notice, notice.id))
    db.session.commit()
    assert _badge(mine, path) == 0


def test_notices_created_by_the_service_show_from_the_next_request(app, db, kept):
    meeting = make_meeting(title="Rakor Berkabar")
    user = make_user("delegate", name="Utusan Berkabar")
    db.session.commit()
    client = client_of(app, user)
    assert _badge(client, "/notices") == 0 and _badge(client, "/notices") == 0
    notice_services.notify([db.session.get(User, user.id)], "meeting_cancelled",
                           {"meeting_id": meeting.id, "title": meeting.title, "timezone": meeting.timezone,
                            "start": meeting.starts_at.isoformat(), "reason": ""})
    db.session.commit()
    assert _badge(client, "/notices") == 1


def test_marking_all_read_in_bulk_ends_the_count_kept(app, db, kept):
    user = make_user("committee", name="Panitia Berkabar")
    _notice(user), _notice(user)
    db.session.commit()
    client = client_of(app, user)
    assert _badge(client, "/notices") == 2 and _badge(client, "/notices") == 2
    assert client.post("/notices/read-all").status_code == 302  # one bulk UPDATE
    assert _badge(client, "/notices") == 0


def test_a_notice_committed_while_a_reader_loaded_the_user_is_not_hidden(app, db, kept):
    """The order of the page cache: the entry is stamped with the counters read before the user's
    row, so a notice committed in between moves the counter past the stamp."""
    user = make_user("committee", name="Panitia Berkabar")
    db.session.commit()
    with app.test_request_context():
        _found, stamp, _answers = session_cache.lookup(user.id, user.session_token)
    _notice(user)
    db.session.commit()  # moves the user's counter
    with app.test_request_context():
        stale = db.session.get(User, user.id)
        session_cache.remember(stale, stamp, {"extra_agency_ids": None, "unread_notices": 0})
        found, _stamp, _answers = session_cache.lookup(user.id, user.session_token)
    assert found is None  # what was read before the commit is not used
    client = client_of(app, user)
    assert _badge(client, "/notices") == 1
