"""Guard of the kept meeting pages (rakor/core/page_cache.py): a reader's kept page (the meeting
page, its commitments, its participants) is served before the meeting is loaded and before its
access rule runs, which is safe only while every
input of the rules of rakor/meetings/rules.py is part of the page's key or stored on a row whose
change moves the meeting's version (or `global`).

The inputs are not listed by hand: each rule runs over fixtures (every role, agencies invited by
quota, by a live link, by an expired or revoked one, or not at all; the meeting in every status)
with its meeting and user loaded with no column but the primary key, so that SQLAlchemy's
`refresh` event names every column a rule reads from them, and `do_orm_execute` (with `db.read`,
wrapped, for a read model) hands over every statement a rule runs (its tables, columns and the
values its WHERE pins). Each input is then
judged by the code that decides: the key by `reader_key` (a column whose change changes the key
is keyed), a row's version by `page_cache.scopes_of` (the scopes a change of that row moves).
"""
import secrets
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from flask import g
from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import Session, load_only
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter
from sqlalchemy.sql.schema import Column

from rakor.auth import services as account_services
from rakor.auth import tenancy
from rakor.auth.models import User
from rakor.core import page_cache
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.meetings import lifecycle, rules
from rakor.meetings.models import Meeting
from rakor.meetings.web import reader_key
from rakor.participants.models import Invitation
from rakor.policy import RULES
from tests.factories import make_agency, make_meeting, make_quota, make_user

# Every page kept whole per reader and served before its access rule runs: the meeting page
# (meetings/views/meeting.py) and those of meetings/web.py `kept_for_reader`.
READER_PAGES = ("meeting-body", "commitments", "participants")
UNPINNED = -1  # a row of some other meeting: what a rule reads when its WHERE names no meeting


def meeting_rules():
    """Every rule of rakor/meetings/rules.py, and the clock bound of a delegate's kept page."""
    found = {name: fn for name, fn in RULES.items() if fn.__module__ == rules.__name__}
    return {**found, "view_lapses_at": rules.view_lapses_at}


def _invitation(meeting, agency, expires_in, revoked=False):
    now = utcnow()
    _db.session.add(Invitation(meeting_id=meeting.id, agency_id=agency.id, token_hash=secrets.token_hex(32),
                               expires_at=now + expires_in, revoked_at=now if revoked else None))


@pytest.fixture
def setting(db):
    seats, link, expired, revoked, none = (make_agency() for _ in range(5))
    # Tenancy (issue 22): every meeting organised by `organizer`; its committee and leadership,
    # and another agency's, one of which also acts for `organizer` (user_managed_agency).
    organizer, other = make_agency(), make_agency()
    meetings = {status: make_meeting(status=status, organizer=organizer) for status in lifecycle.MeetingStatus}
    for meeting in meetings.values():
        make_quota(meeting, seats)
        _invitation(meeting, link, timedelta(days=3))
        _invitation(meeting, expired, timedelta(days=-1))
        _invitation(meeting, revoked, timedelta(days=3), revoked=True)
    users = [make_user(role) for role in ("admin", "committee", "leadership")]
    users += [make_user("delegate", agency=a) for a in (seats, link, expired, revoked, none)]
    users.append(make_user("delegate"))  # without an agency
    users += [make_user(role, agency=agency) for role in ("committee", "leadership") for agency in (organizer, other)]
    helper = make_user("committee", agency=other)
    account_services.set_extra_agencies(helper, [organizer.id])
    users.append(helper)
    _db.session.flush()
    return SimpleNamespace(meeting_ids=[m.id for m in meetings.values()], user_ids=[u.id for u in users])


# --- recording what the rules read ------------------------------------------------------------

class Reads:
    """What rules read: columns of the instances they were given ({(Model, column)} per
    instance) and the statements they ran."""

    def __init__(self):
        self.attributes, self.statements = set(), []

    def __enter__(self):
        event.listen(Session, "do_orm_execute", self._execute)
        for model in (Meeting, User):
            event.listen(model, "refresh", self._refresh)
        # A read model run by `db.read` goes to the connection, past the Session's events.
        read = type(_db).read

        def recorded_read(db, statement, params=None):
            self.statements.append(statement)
            return read(db, statement, params)

        self._patched_read = mock.patch.object(type(_db), "read", recorded_read)
        self._patched_read.start()
        return self

    def __exit__(self, *exc):
        self._patched_read.stop()
        event.remove(Session, "do_orm_execute", self._execute)
        for model in (Meeting, User):
            event.remove(model, "refresh", self._refresh)

    def _refresh(self, target, _context, attrs):
        for name in attrs or inspect(target).mapper.column_attrs.keys():
            self.attributes.add((type(target), inspect(target).identity[0], name))

    def _execute(self, state):
        if not state.is_column_load:  # those are the instances' columns, named by `refresh`
            self.statements.append(state.statement)


def run_rules(setting):
    """Each rule over every user and meeting, each time on instances holding nothing but their id."""
    reads = Reads()
    for meeting_id in setting.meeting_ids:
        for user_id in setting.user_ids:
            for fn in meeting_rules().values():
                _db.session.expunge_all()
                meeting = _db.session.scalar(select(Meeting).options(load_only(Meeting.id))
                                             .where(Meeting.id == meeting_id))
                user = _db.session.scalar(select(User).options(load_only(User.id)).where(User.id == user_id))
                with reads:
                    fn(user, meeting)
                reads.meeting_id = meeting_id
                yield meeting_id, user_id, reads
                reads.attributes, reads.statements = set(), []


# --- judging each input ----------------------------------------------------------------------

def keyed_user_columns(app, user_id, meeting_id):
    """The user's columns the kept page's key depends on: those whose change changes it."""
    user = _db.session.get(User, user_id)
    columns = inspect(User).column_attrs.keys()
    values = {name: getattr(user, name) for name in columns}

    acting = tenancy.own_agency_ids(user)  # a table of its own, judged with the statements

    def key(**changed):
        with app.test_request_context(), mock.patch.object(tenancy, "own_agency_ids", lambda _u: acting):
            g._login_user = SimpleNamespace(**{**values, **changed}, is_authenticated=True)
            return tuple(reader_key(page, meeting_id) for page in READER_PAGES)

    base = key()
    return {name for name in columns if key(**{name: object()}) != base}


def moves_the_meeting(row, meeting_id, names):
    """Whether a change of columns `names` of `row` moves the meeting's version (or `global`)."""
    for name in names:
        if inspect(row).transient:
            setattr(row, name, getattr(row, name, None))
        else:
            flag_modified(row, name)
    scopes = page_cache.scopes_of(row)
    return bool(scopes & {page_cache.meeting_scope(meeting_id), page_cache.GLOBAL})


def _pinned(select_, table):
    """{column: value} the SELECT's WHERE fixes for `table` (`table.c.x = :value`)."""
    found = {}
    if select_.whereclause is None:
        return found
    for element in visitors.iterate(select_.whereclause):
        if isinstance(element, BinaryExpression) and element.operator is operators.eq:
            column, value = element.left, element.right
            if isinstance(column, Column) and column.table is table and isinstance(value, BindParameter):
                found[column.name] = value.effective_value
    return found


def _model_of(table):
    return next((m.class_ for m in _db.Model.registry.mappers if table in m.tables), None)


def statement_inputs(statement):
    """[(table, {columns read}, {column: value pinned})] of every SELECT inside `statement`."""
    found = []
    for element in visitors.iterate(statement):
        if not hasattr(element, "get_final_froms"):
            continue
        for table in element.get_final_froms():
            if not isinstance(table, Table):
                continue
            columns = {c.name for c in visitors.iterate(element) if isinstance(c, Column) and c.table is table}
            found.append((table, columns or {c.name for c in table.columns}, _pinned(element, table)))
    return found


def unguarded_inputs(app, setting, seen):
    """The inputs of the rules that are neither keyed nor versioned; `seen` gets every input."""
    problems = set()
    keyed = {}
    for meeting_id, user_id, reads in run_rules(setting):
        seen |= {(model.__tablename__, name) for model, _identity, name in reads.attributes}
        seen |= {(table.name, "*") for s in reads.statements for table, _c, _p in statement_inputs(s)}
        rule_inputs = [(model, identity, {name}) for model, identity, name in reads.attributes]
        for model, identity, names in rule_inputs:
            if model is User:
                if user_id not in keyed:
                    keyed[user_id] = keyed_user_columns(app, user_id, meeting_id)
                names = names - keyed[user_id]
            elif model is Meeting and identity == meeting_id:
                names = names - {"id"}  # the URL's meeting is in the key
            row = _db.session.get(model, identity)
            if names and not moves_the_meeting(row, meeting_id, names):
                problems.add(f"{model.__tablename__}.{','.join(sorted(names))} of the instance given")
            _db.session.expunge_all()
        for statement in reads.statements:
            for table, columns, pinned in statement_inputs(statement):
                model = _model_of(table)
                if model is None:
                    problems.add(f"{table.name} (no model: no version moves for it)")
                    continue
                # A row as the statement selects it, changed in the columns it reads (a row of
                # some other meeting unless the WHERE names this one).
                probe = model(**{k: v for k, v in pinned.items() if k in model.__table__.c})
                if "meeting_id" in model.__table__.c and "meeting_id" not in pinned:
                    probe.meeting_id = UNPINNED
                if not moves_the_meeting(probe, meeting_id, sorted(columns)):
                    problems.add(f"{table.name}.{','.join(sorted(columns))} read by a query")
    return problems


def test_every_input_of_the_meeting_rules_is_keyed_or_versioned(app, setting):
    seen = set()
    assert unguarded_inputs(app, setting, seen) == set()
    # The recording is not empty-handed: it finds what the rules are documented to read.
    assert {("user_account", "role"), ("user_account", "agency_id"), ("meeting", "status"),
            ("seat_quota", "*"), ("invitation", "*")} <= seen


def test_a_row_of_another_meeting_or_an_unkeyed_user_column_is_caught(app, setting):
    """The judge itself: what would be unguarded is called so."""
    meeting_id, user_id = setting.meeting_ids[0], setting.user_ids[-2]
    assert "id" in keyed_user_columns(app, user_id, meeting_id)
    assert "password_hash" not in keyed_user_columns(app, user_id, meeting_id)
    user = _db.session.get(User, user_id)
    assert not moves_the_meeting(user, meeting_id, ["password_hash"])
    assert moves_the_meeting(user, meeting_id, ["name"])  # names show on pages: `global`
    other = Invitation(meeting_id=UNPINNED, agency_id=1)
    assert not moves_the_meeting(other, meeting_id, ["agency_id"])
    assert moves_the_meeting(Invitation(meeting_id=meeting_id, agency_id=1), meeting_id, ["agency_id"])
