"""The meeting page's kept fragment (rakor/core/page_cache.py): served while the data is
unchanged, re-rendered after any committed change, never across viewer classes, with the
reader's own CSRF token, and shared between workers through Redis. The tests of a reader's whole
page run on each page kept that way: the meeting page, its commitments and its participants
(meetings/web.py `kept_for_reader`)."""
import re
import secrets
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from rakor import create_app
from rakor.auth.models import User
from rakor.core import page_cache
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.participants.models import Invitation
from rakor.regions.models import Agency, Region
from tests.factories import (
    make_agency,
    make_agenda_item,
    make_meeting,
    make_participant,
    make_quota,
    make_user,
)
from tests.helpers import REDIS_URL, client_of, redis_or_skip

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def store(app):
    return app.extensions["rakor.page_cache"]


# The pages a reader's whole page is kept of, by the path after /meetings/<id>.
READER_PAGES = ["", "/commitments", "/participants"]


def page(client, meeting, query=""):
    response = client.get(f"/meetings/{meeting.id}{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", READER_PAGES)
@pytest.mark.parametrize("role", ["committee", "delegate"])
def test_a_second_view_by_the_same_reader_needs_only_the_signed_in_user(app, db, count_queries, role, path):
    meeting = make_meeting()
    make_agenda_item(meeting, title="Paparan IPM")
    agency = make_agency()
    make_quota(meeting, agency)
    user = make_user(role=role, agency=agency if role == "delegate" else None)
    db.session.commit()
    client = client_of(app, user)
    with count_queries() as first:
        html_first = page(client, meeting, path)
    with count_queries() as second:
        html_second = page(client, meeting, path)
    assert meeting.title in html_second
    assert "Paparan IPM" in html_second or path
    # The kept page stands for the meeting and its access check (see meetings.views.view).
    assert len(second.selects) == 1 < len(first.selects)
    assert "user_account" in second.selects[0]
    assert CSRF.sub("", html_first) == CSRF.sub("", html_second)


def _invite(meeting, agency, expires_at):
    invitation = Invitation(meeting_id=meeting.id, agency_id=agency.id, token_hash=secrets.token_hex(32),
                            expires_at=expires_at)
    _db.session.add(invitation)
    _db.session.flush()
    return invitation


@pytest.mark.parametrize("path", READER_PAGES)
def test_a_kept_page_never_outlives_the_readers_access(app, db, path):
    """Each change that ends a delegate's `meeting.view` also ends their kept page: a revoked
    link, a meeting back to draft, a seat quota removed; a link's expiry bounds how long the page
    is kept."""
    meeting = make_meeting(title="Rakor Rahasia")
    invited_by_link, with_quota, with_both = make_agency(), make_agency(), make_agency()
    link = _invite(meeting, invited_by_link, utcnow() + timedelta(seconds=90))
    quota = make_quota(meeting, with_quota)
    make_quota(meeting, with_both)
    _invite(meeting, with_both, utcnow() + timedelta(seconds=30))
    readers = {agency: make_user(role="delegate", agency=agency)
               for agency in (invited_by_link, with_quota, with_both)}
    db.session.commit()
    clients = {}
    for agency, user in readers.items():
        clients[agency] = client_of(app, user)
        assert "Rakor Rahasia" in page(clients[agency], meeting, path)
    store = app.extensions["rakor.page_cache"]
    lifetimes = {key.rsplit(":", 1)[1]: expires - time.monotonic()
                 for key, (_value, expires) in store.values.items() if ":reader:" in key}
    # Kept no longer than the link that lets the reader in; a quota does not expire.
    assert 80 < lifetimes[str(readers[invited_by_link].id)] <= 90
    assert lifetimes[str(readers[with_quota].id)] > 110
    assert lifetimes[str(readers[with_both].id)] > 110

    link.revoked_at = utcnow()
    db.session.commit()
    assert clients[invited_by_link].get(f"/meetings/{meeting.id}{path}").status_code == 403

    db.session.delete(quota)
    db.session.commit()
    assert clients[with_quota].get(f"/meetings/{meeting.id}{path}").status_code == 403

    assert "Rakor Rahasia" in page(clients[with_both], meeting, path)
    meeting.status = "draft"
    db.session.commit()
    assert clients[with_both].get(f"/meetings/{meeting.id}{path}").status_code == 403


def test_a_kept_page_of_a_follow_up_checks_the_earlier_meetings_version_too(app, db, count_queries):
    earlier = make_meeting(status="held")
    item = make_agenda_item(earlier, title="Evaluasi Stunting", conclusions="Kesimpulan lama")
    meeting = make_meeting(follow_up_of_id=earlier.id)
    user = make_user(role="committee")
    db.session.commit()
    client = client_of(app, user)
    assert "Kesimpulan lama" in page(client, meeting)
    with count_queries() as kept:
        assert "Kesimpulan lama" in page(client, meeting)
    assert len(kept.selects) == 1
    item.conclusions = "Kesimpulan baru"
    db.session.commit()
    assert "Kesimpulan baru" in page(client, meeting)


def test_no_kept_page_for_a_meeting_that_is_gone(app, db):
    meeting = make_meeting()
    user = make_user(role="committee")
    db.session.commit()
    client = client_of(app, user)
    page(client, meeting)
    db.session.delete(meeting)
    db.session.commit()
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


def test_every_reader_gets_its_own_csrf_token_and_never_the_placeholder(app, db):
    meeting = make_meeting()
    first_user, second_user = make_user(role="committee"), make_user(role="committee")
    db.session.commit()
    tokens = []
    for user in (first_user, second_user):
        client = client_of(app, user)
        html = page(client, meeting)
        assert page_cache.CSRF_PLACEHOLDER not in html
        found = set(CSRF.findall(html))
        assert len(found) == 1  # every form of the page carries this session's token
        tokens.append(found.pop())
    assert tokens[0] != tokens[1]


def test_viewer_classes_never_share_a_fragment(app, db):
    meeting = make_meeting()
    agency, other = make_agency(), make_agency()
    make_quota(meeting, agency), make_quota(meeting, other)
    make_participant(meeting, agency, name="Rahmadi Delegasi")
    committee = make_user(role="committee")
    delegate = make_user(role="delegate", agency=agency)
    other_delegate = make_user(role="delegate", agency=other)
    db.session.commit()
    pages = {}
    for name, user in (("committee", committee), ("delegate", delegate), ("other", other_delegate)):
        client = client_of(app, user)
        pages[name] = page(client, meeting)
    assert 'id="edit-meeting"' in pages["committee"]
    assert 'id="edit-meeting"' not in pages["delegate"]
    assert pages["delegate"] != pages["other"]  # each agency its own registration section


def test_locale_and_query_string_are_part_of_the_key(client, db, login_as):
    meeting = make_meeting(status="held")
    make_agenda_item(meeting)
    login_as("committee")
    db.session.commit()
    plain = CSRF.sub("", page(client, meeting))
    editing = CSRF.sub("", page(client, meeting, "?agenda=edit"))
    assert plain != editing
    client.post("/language", data={"lang": "en"})
    english = CSRF.sub("", page(client, meeting))
    assert "Add to calendar" in english and "Add to calendar" not in plain
    client.post("/language", data={"lang": "id"})
    assert CSRF.sub("", page(client, meeting)) == plain


def test_a_committed_change_reaches_the_page_and_a_rolled_back_one_does_not(client, db, login_as, store):
    meeting = make_meeting(title="Rakor Lama")
    login_as("committee")
    db.session.commit()
    assert "Rakor Lama" in page(client, meeting)
    meeting.title = "Rakor Baru"
    db.session.commit()
    assert "Rakor Baru" in page(client, meeting)
    versions_before = dict(store.counters)
    meeting.title = "Rakor Batal"
    db.session.flush()
    db.session.rollback()
    assert store.counters == versions_before
    assert "Rakor Baru" in page(client, meeting)


def test_a_change_to_the_earlier_meeting_reaches_its_follow_up_page(client, db, login_as):
    earlier = make_meeting(status="held")
    item = make_agenda_item(earlier, title="Evaluasi Stunting", conclusions="Kesimpulan lama")
    meeting = make_meeting(follow_up_of_id=earlier.id)
    login_as("committee")
    db.session.commit()
    assert "Kesimpulan lama" in page(client, meeting)
    item.conclusions = "Kesimpulan baru"
    db.session.commit()
    assert "Kesimpulan baru" in page(client, meeting)


def test_an_agency_renamed_reaches_every_page(client, db, login_as):
    organizer = make_agency(name="Bappeda Lama")
    meeting = make_meeting(organizer=organizer)
    login_as("committee")
    db.session.commit()
    assert "Bappeda Lama" in page(client, meeting)
    organizer.name = "Bappeda Baru"
    db.session.commit()
    assert "Bappeda Baru" in page(client, meeting)


def test_a_bulk_statement_counts_as_a_change_of_everything(client, db, login_as):
    organizer = make_agency(name="Bappeda Sebelum")
    meeting = make_meeting(organizer=organizer)
    login_as("committee")
    db.session.commit()
    assert "Bappeda Sebelum" in page(client, meeting)
    db.session.execute(update(Agency).where(Agency.id == organizer.id).values(name="Bappeda Sesudah"))
    db.session.commit()
    assert "Bappeda Sesudah" in page(client, meeting)


def test_scopes_of_rows(db):
    earlier = make_meeting()
    meeting = make_meeting(follow_up_of_id=earlier.id)
    agency = make_agency()
    participant = make_participant(meeting, agency)
    user = make_user(role="delegate", agency=agency)
    db.session.flush()  # as the listener sees rows: flushed, not yet committed (and expired)
    assert page_cache.scopes_of(meeting) == {f"meeting:{meeting.id}", f"meeting:{earlier.id}"}
    # A participant moves only the meeting's participants (a part: the agenda stays kept).
    assert page_cache.scopes_of(participant) == {f"meeting:{meeting.id}:participants"}
    assert page_cache.scopes_of(agency) == {page_cache.GLOBAL}
    user.last_login_at = meeting.starts_at
    user.rotate_session_token()
    assert page_cache.scopes_of(user) == set()  # signing in changes no page
    user.name = "Nama Baru"
    assert page_cache.scopes_of(user) == {page_cache.GLOBAL}
    db.session.rollback()


def test_a_redis_that_does_not_answer_costs_a_render_not_an_error(app, client, db, login_as, monkeypatch):
    monkeypatch.setitem(app.extensions, "rakor.page_cache", page_cache.RedisStore("redis://127.0.0.1:1/0"))
    meeting = make_meeting(title="Rakor Tanpa Redis")
    login_as("committee")
    db.session.commit()
    assert "Rakor Tanpa Redis" in page(client, meeting)


@pytest.fixture
def redis_db():
    connection = redis_or_skip("REDIS TESTS", "the memory store is tested anyway")
    yield connection
    keys = list(connection.scan_iter("rakor:page:*"))
    if keys:
        connection.delete(*keys)
    connection.close()


@pytest.mark.committing
def test_two_workers_share_versions_through_redis(app, redis_db, monkeypatch):
    """Two apps (two gunicorn workers) on one Redis: a change committed through one is seen by
    the other's next view, although the other had kept the page."""
    monkeypatch.setitem(app.extensions, "rakor.page_cache", page_cache.RedisStore(REDIS_URL))
    worker2 = create_app(_same_config(app))
    worker2.extensions["rakor.page_cache"] = page_cache.RedisStore(REDIS_URL)
    with app.app_context():
        regions_before = _db.session.scalar(select(func.coalesce(func.max(Region.id), 0)))
        meeting = make_meeting(title="Rakor Pekerja Satu")
        user = make_user(role="committee")
        _db.session.commit()
        meeting_id, user_id, organizer_id = meeting.id, user.id, meeting.organizer_agency_id
        login_id = user.get_id()
    try:
        client1, client2 = app.test_client(), worker2.test_client()
        for client in (client1, client2):
            with client.session_transaction() as session:
                session["_user_id"] = login_id
        assert "Rakor Pekerja Satu" in client2.get(f"/meetings/{meeting_id}").get_data(as_text=True)
        assert "Rakor Pekerja Satu" in client1.get(f"/meetings/{meeting_id}").get_data(as_text=True)
        with app.app_context():
            _db.session.get(type(meeting), meeting_id).title = "Rakor Diubah"
            _db.session.commit()
        assert "Rakor Diubah" in client2.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    finally:
        with worker2.app_context():
            _db.session.remove()
            _db.engine.dispose()  # the second worker's connections, closed before it is collected
        with app.app_context():
            _db.session.delete(_db.session.get(type(meeting), meeting_id))
            _db.session.delete(_db.session.get(User, user_id))
            _db.session.flush()
            _db.session.delete(_db.session.get(Agency, organizer_id))
            _db.session.flush()
            for region in _db.session.scalars(select(Region).where(Region.id > regions_before)
                                              .order_by(Region.id.desc())):
                _db.session.delete(region)
                _db.session.flush()
            _db.session.commit()


def _same_config(app):
    """A config object with the running app's settings: a second worker of the same deployment."""
    return type("SameConfig", (), {k: v for k, v in app.config.items() if k.isupper()})


@pytest.mark.parametrize("path", READER_PAGES)
def test_each_reader_keeps_a_page_with_its_own_name_and_a_flashed_message_shows_once(app, db, path):
    meeting = make_meeting(status="scheduled")
    first, second = make_user(role="committee", name="Panitia Pertama"), make_user(role="committee", name="Panitia Kedua")
    db.session.commit()
    clients = {}
    for user in (first, second):
        clients[user.name] = client = client_of(app, user)
        page(client, meeting, path)
    assert "Panitia Kedua" in page(clients["Panitia Kedua"], meeting, path)
    assert "Panitia Pertama" not in page(clients["Panitia Kedua"], meeting, path)
    client = clients["Panitia Pertama"]
    page(client, meeting, path)
    assert client.post(f"/meetings/{meeting.id}/status",
                       data={"to_status": "held", "expected": "scheduled"}).status_code == 302
    moved = page(client, meeting, path)
    assert 'role="alert"' in moved and meeting.title in moved  # the message, on the fresh page
    again = page(client, meeting, path)
    assert 'role="alert"' not in again  # shown once, never kept with the page
    first.name = "Panitia Berganti Nama"
    db.session.commit()
    assert "Panitia Berganti Nama" in page(client, meeting, path)


def test_the_benchmarks_header_says_what_the_cache_found_only_when_asked(app, db):
    meeting = make_meeting()
    user = make_user(role="committee")
    db.session.commit()
    client = client_of(app, user)
    assert "X-Page-Cache" not in client.get(f"/meetings/{meeting.id}").headers
    app.config["PAGE_CACHE_HEADER"] = True
    try:
        client.get("/")  # any flashed welcome is shown here, not on the meeting page
        meeting.venue = "Aula baru"  # a change: the next view renders the page again
        db.session.commit()
        # The reader's page, the body, then the sections kept apart (failed e-mails, participants,
        # commitments).
        assert client.get(f"/meetings/{meeting.id}").headers["X-Page-Cache"] == \
            "kept:miss,together:miss,miss,miss,failed_mail:miss,participants:miss,commitments:miss"
        assert client.get(f"/meetings/{meeting.id}").headers["X-Page-Cache"] == "kept:hit"
        assert "X-Page-Cache" not in client.get("/notices").headers  # kept nowhere
        # Home lists the meeting, whose venue changed since the visit above; then it is kept.
        assert [client.get("/").headers["X-Page-Cache"] for _ in range(2)] == ["home:miss", "home:hit"]
    finally:
        app.config["PAGE_CACHE_HEADER"] = False


def test_a_bulk_statement_that_names_its_scopes_and_an_api_token_used_keep_the_pages(client, db, login_as):
    """An API token's last use (a bulk UPDATE, once a minute per token) cleared every kept page of
    the site; a statement may now say what it touches, and a token touches no kept page."""
    from rakor.api import tokens
    from rakor.api.models import ApiToken

    organizer = make_agency(name="Bappeda Sebelum")
    meeting = make_meeting(organizer=organizer)
    user = login_as("committee")
    token = ApiToken(user_id=user.id, name="e-Monev", scope="read", token_hash="a" * 64, prefix="rk_aaaa")
    db.session.add(token)
    db.session.commit()
    assert "Bappeda Sebelum" in page(client, meeting)
    assert tokens.record_use(token)
    db.session.commit()
    # The name changes without a version move (the statement says it touches nothing): the page
    # still shows the kept copy, so neither the token's use nor this moved the versions.
    db.session.execute(update(Agency).where(Agency.id == organizer.id).values(name="Bappeda Sesudah")
                       .execution_options(page_cache_scopes=()))
    db.session.commit()
    assert "Bappeda Sebelum" in page(client, meeting)
    # Said scopes are moved: the meeting's page is rendered again.
    db.session.execute(update(Agency).where(Agency.id == organizer.id).values(name="Bappeda Sesudah")
                       .execution_options(page_cache_scopes={page_cache.meeting_scope(meeting.id)}))
    db.session.commit()
    assert "Bappeda Sesudah" in page(client, meeting)


@pytest.mark.parametrize("path", READER_PAGES)
def test_a_page_kept_under_one_mount_point_is_not_served_under_another(app, db, path):
    """The key names where the app is mounted (`request.script_root`): a page's links hold it."""
    meeting = make_meeting()
    user = make_user(role="committee")
    db.session.commit()
    client = client_of(app, user)
    plain = client.get(f"/meetings/{meeting.id}{path}").get_data(as_text=True)
    mounted = client.get(f"/meetings/{meeting.id}{path}", base_url="http://localhost/rakor").get_data(as_text=True)
    assert 'href="/meetings/' in plain and 'href="/rakor/meetings/' not in plain
    assert 'href="/rakor/meetings/' in mounted
