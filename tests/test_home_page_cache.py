"""Home's content kept per reader and data version (rakor/main/dashboard.py): a change of what a
panel shows is on the next visit, a change of what no panel of that reader shows keeps it, two
readers never share it, the clock ends it when it alone would change it, and no panel reads a
table its declared scopes do not cover."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect as sa_inspect

from rakor.core import page_cache
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.main import dashboard
from rakor.notices.services import notify
from rakor.participants import services as participant_services
from rakor.participants.models import Invitation
from tests.factories import first_agency_commitment, make_commitment, make_participant, make_update
from tests.helpers import client_of, meeting_part_tables

PART_TABLES = meeting_part_tables()
READER_TABLES = ("notice",)  # its rows move the reader's own scope, always named


@pytest.fixture
def today(cm):
    """The commitments' setting held today (the committee's check-in panel shows it), with one
    registered delegate of the first agency and one agreed commitment."""
    cm.commitment = make_commitment(cm.meeting, cm.committee, first_agency_commitment(cm))  # on its date
    now = utcnow()
    cm.meeting.status = "held"
    cm.meeting.starts_at, cm.meeting.ends_at = now - timedelta(hours=1), now + timedelta(hours=6)
    cm.person = make_participant(cm.meeting, cm.agencies[0], name="Rahmadi Hadir")
    _db.session.commit()
    return cm


def tell(user, meeting):
    """A notice to `user` (a meeting cancelled: the kind with the fewest parameters)."""
    notify([user], "meeting_cancelled", {"title": meeting.title, "start": meeting.starts_at.isoformat(),
                                         "timezone": meeting.timezone, "meeting_id": meeting.id},
           meeting_id=meeting.id)


def this_quarter():
    today = utcnow().date()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers.get("X-Page-Cache")


def settled(client):
    """Home after any flashed welcome (a page with a flash is rendered for that request only)."""
    home(client)
    return home(client)


def test_home_is_kept_for_its_reader_and_never_shared(app, db, today, page_cache_header):
    first = client_of(app, today.delegate)
    other = client_of(app, today.other_delegate)
    html, found = settled(first)
    assert found == "home:hit" and today.delegate.name in html
    html, _found = settled(other)
    assert today.other_delegate.name in html and today.delegate.name not in html
    # The reader's own CSRF token in the kept notices' forms, never the first reader's.
    tell(today.other_delegate, today.meeting)
    db.session.commit()
    tokens = set()
    for client in (first, other):
        html, _found = home(client)
        tokens |= set(re.findall(r'name="csrf_token" value="([^"]+)"', html))
    assert len(tokens) >= 2


def test_a_new_notice_shows_at_once_and_moves_only_its_readers_home(app, db, today, page_cache_header):
    delegate = client_of(app, today.delegate)
    committee = client_of(app, today.committee)
    settled(delegate)
    settled(committee)
    tell(today.delegate, today.meeting)
    db.session.commit()
    html, found = home(delegate)
    assert found == "home:miss" and 'id="no-notices"' not in html
    assert home(committee)[1] == "home:hit"


def test_a_check_in_moves_the_committees_home_not_the_delegates(app, db, today, page_cache_header):
    delegate = client_of(app, today.delegate)
    committee = client_of(app, today.committee)
    settled(delegate)
    html, _found = settled(committee)
    assert 'id="panel-checkin-today"' in html and "0 dari 1 hadir" in html
    participant_services.check_in(today.person, by_user=today.committee)
    db.session.commit()
    html, found = home(committee)
    assert found == "home:miss" and "1 dari 1 hadir" in html
    assert home(delegate)[1] == "home:hit"  # a delegate's home shows no participants


def test_a_progress_update_moves_the_progress_panel(app, db, today, page_cache_header):
    leadership = client_of(app, today.leadership)
    delegate = client_of(app, today.delegate)
    html, _found = settled(leadership)
    assert 'id="panel-progress"' in html
    settled(delegate)
    make_update(today.commitment, today.delegate, period=this_quarter(), status="at_risk")
    db.session.commit()
    assert home(leadership)[1] == "home:miss"
    assert home(delegate)[1] == "home:hit"


def test_a_change_of_a_listed_meeting_shows_on_everyones_home(app, db, today, page_cache_header):
    delegate = client_of(app, today.delegate)
    settled(delegate)
    today.meeting.title = "Rakor Kesepakatan Uji (judul baru)"
    db.session.commit()
    html, found = home(delegate)
    assert found == "home:miss" and "Rakor Kesepakatan Uji (judul baru)" in html


def _kept_for(store, user_id):
    """Seconds the reader's kept home has left (the memory store of the suite)."""
    import time

    (value, expires), = [v for k, v in store.values.items() if k.startswith(f"home:{user_id}:")]
    return expires - time.monotonic()


def test_the_clock_ends_home_when_a_listed_meeting_ends_or_an_invitation_expires(app, db, today):
    """The upcoming meeting that ends first leaves the list then; a delegate's invitation that
    expires can hide a meeting: home is kept no longer than either (PAGE_CACHE_TTL otherwise)."""
    store = app.extensions["rakor.page_cache"]
    store.values.clear()
    today.meeting.ends_at = utcnow() + timedelta(seconds=50)
    db.session.commit()
    committee = client_of(app, today.committee)
    settled(committee)
    assert 0 < _kept_for(store, today.committee.id) <= 50

    today.meeting.ends_at = utcnow() + timedelta(hours=6)
    db.session.add(Invitation(meeting_id=today.meeting.id, agency_id=today.agencies[0].id,
                              token_hash="uji-undangan-jam", expires_at=utcnow() + timedelta(seconds=40)))
    db.session.commit()
    delegate = client_of(app, today.delegate)
    settled(delegate)
    assert 0 < _kept_for(store, today.delegate.id) <= 40
    assert app.config["PAGE_CACHE_TTL"] >= 60  # else the bound above proves nothing


def _tables(statements):
    found = set()
    for statement in statements:
        found |= {m.group(2).lower() for m in re.finditer(r"\b(FROM|JOIN)\s+\"?(\w+)\"?", statement, re.I)}
    return found


@pytest.mark.parametrize("role", ["committee", "delegate", "leadership", "admin"])
def test_every_panel_reads_only_what_its_scopes_cover(app, db, today, count_queries, role):
    """Each panel's loader and template, by table read: a meeting part's tables need that part's
    site-wide scope, any other table with a meeting's id (and the meeting itself) needs
    `meetings`. A panel added later that reads more than it declares fails here."""
    from tests.factories import make_user

    make_update(today.commitment, today.delegate, period=this_quarter(), status="on_track")
    user = make_user("admin") if role == "admin" else getattr(today, role)
    tell(user, today.meeting)
    db.session.commit()
    meeting_tables = {t.name for t in _db.metadata.sorted_tables if "meeting_id" in t.c} | {"meeting"}
    shown = []
    with app.test_request_context("/"):
        from flask import render_template
        from flask_login import login_user

        login_user(user)
        for entry in dashboard.panels:
            with count_queries() as log:
                context = entry.loader(user)
                if context is not None:
                    render_template(entry.template, **context)
            if context is None:
                continue
            shown.append(entry.key)
            reads = entry.extra.get("reads")
            declared = set(dashboard.DEFAULT_READS if reads is None else reads(user))
            read = _tables(log.statements) - set(READER_TABLES)
            for part, tables in PART_TABLES.items():
                if page_cache.all_meetings_scope(part) not in declared:
                    assert not read & set(tables), f"{entry.key} reads {part} without its scope"
            others = read & meeting_tables - {t for tables in PART_TABLES.values() for t in tables}
            if others:
                assert page_cache.ALL_MEETINGS in declared, f"{entry.key} reads {sorted(others)} undeclared"
    assert "notices" in shown and "upcoming_meetings" in shown  # the check above is not vacuous
    if role == "committee":
        assert {"checkin_today", "progress"} <= set(shown)


def test_a_meetings_scope_moves_its_site_wide_twin(app, db, today):
    store = app.extensions["rakor.page_cache"]
    before = store.versions([page_cache.ALL_MEETINGS, page_cache.all_meetings_scope(page_cache.PARTICIPANTS),
                             page_cache.all_meetings_scope(page_cache.COMMITMENTS)])
    participant_services.check_in(today.person, by_user=today.committee)
    db.session.commit()
    after = store.versions([page_cache.ALL_MEETINGS, page_cache.all_meetings_scope(page_cache.PARTICIPANTS),
                            page_cache.all_meetings_scope(page_cache.COMMITMENTS)])
    assert after[1] == before[1] + 1 and after[0] == before[0] and after[2] == before[2]
    assert sa_inspect(today.meeting).persistent


def test_a_kept_home_is_the_whole_page_without_a_query_beyond_the_reader(app, db, today, count_queries,
                                                                        page_cache_header):
    """Kept whole (layout and all): a kept home reads the signed-in user's row and nothing else,
    renders no template, and keeps no flashed message; the language form's address (the query
    string) is part of the key."""
    from flask import template_rendered

    client = client_of(app, today.committee)
    settled(client)
    rendered = []

    def record(_app, template, _context, **_extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    try:
        with count_queries() as kept:
            html, found = home(client)
    finally:
        template_rendered.disconnect(record, app)
    assert found == "home:hit" and today.committee.name in html
    assert len(kept.selects) == 1 and "user_account" in kept.selects[0]
    assert rendered == []
    assert 'name="next" value="/?tab=x"' in client.get("/?tab=x").get_data(as_text=True)
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Perubahan disimpan.")]
    assert "Perubahan disimpan." in home(client)[0]
    assert "Perubahan disimpan." not in home(client)[0]
