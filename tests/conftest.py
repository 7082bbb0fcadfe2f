"""Fixtures: one migrated database per run, each test inside a transaction rolled back at the end.

The database is SQLite (a temp file) unless TEST_DATABASE_URL names another
(e.g. postgresql+psycopg://root@127.0.0.1/rakor_ci); it is migrated with Alembic at the start,
so migrations are tested on every backend the suite runs on.
"""
import contextlib
import contextvars
import gc
import os
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from flask import before_render_template, current_app, has_app_context, template_rendered
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session
from sqlalchemy import event, func, literal, select, union_all

import config
from rakor import create_app, demo
from rakor.core import queueing
from rakor.demo import PROVINCE, REGIONS_FILE
from rakor.extensions import db as _db
from rakor.regions.services import ensure_planning_agencies, load_regions, read_region_csv
from tests.factories import commitments_meeting, make_user
from tests.helpers import REDIS_URL, redis_or_skip

_TMP = Path(tempfile.mkdtemp(prefix="rakor-tests-"))


def database_url():
    # Only TEST_DATABASE_URL: a developer's DATABASE_URL must never receive test data.
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"


def is_postgres():
    return database_url().startswith("postgres")


class SuiteConfig(config.TestConfig):
    SQLALCHEMY_DATABASE_URI = config._database_url(database_url())
    UPLOAD_DIR = str(_TMP / "uploads")
    DEMO_SIGNING_DIR = str(_TMP / "demo-signing")
    # The meeting page is cached as in production, so every test that views, acts and views
    # again checks that the change reached the page (per-test store: see the `db` fixture).
    PAGE_CACHE = os.environ.get("RAKOR_TEST_PAGE_CACHE", "memory")


@pytest.fixture(scope="session", autouse=True)
def _no_outside_network():
    """A test that opens a socket outside 127.0.0.1 fails (mail, CDNs, lookups)."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") and not host.startswith("/"):
            raise RuntimeError(f"test tried to connect to {address!r}")
        return real_connect(self, address)

    socket.socket.connect = guarded
    yield
    socket.socket.connect = real_connect


class RequestIsolatedClient(FlaskClient):
    """Each request gets its own app context (and so its own `g` and db session), as in
    production, even though the test body holds an app context of its own."""

    def open(self, *args, **kwargs):
        def run():
            _cv_app.set(None)
            return FlaskClient.open(self, *args, **kwargs)

        return contextvars.copy_context().run(run)


def _migrated_app(config_class):
    app = create_app(config_class)
    app.test_client_class = RequestIsolatedClient
    with app.app_context():
        upgrade()
    return app


@pytest.fixture(scope="session")
def suite_app():
    app = _migrated_app(SuiteConfig)
    yield app
    with app.app_context():
        _db.engine.dispose()  # close pooled connections before the interpreter collects them


@pytest.fixture
def engine_session(suite_app, monkeypatch):
    """db.session as production has it: a session of the engine's pool, not the suite's session
    bound to a test connection (which has always run something, savepoints among them). It sees
    only what is committed: the tests that use it read or write literals and empty tables."""
    from sqlalchemy.orm import scoped_session, sessionmaker

    from rakor.extensions import db

    with suite_app.app_context():
        session = scoped_session(sessionmaker(bind=db.engine))
        monkeypatch.setattr(db, "session", session)
        try:
            yield session
        finally:
            session.rollback()
            session.remove()


@pytest.fixture
def app(request, suite_app):
    """The suite's app; for a test marked `demo`, the app whose database holds the demo."""
    if request.node.get_closest_marker("demo"):
        return request.getfixturevalue("demo_app")
    return suite_app


DEMO_NOTICE = []


def _postgres_server(target):
    from sqlalchemy import create_engine

    return create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _make_demo_database():
    """(URL, drop) of a database of its own for the demo: a SQLite file beside the suite's, or on
    PostgreSQL a database named after the suite's with `_demo`, made anew and dropped by `drop`
    at the end; None when the server refuses to make one."""
    if not is_postgres():
        return f"sqlite:///{_TMP / 'demo.db'}", lambda: None
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    target = make_url(config._database_url(database_url()))
    name = f"{target.database}_demo"

    def run(*statements):
        server = _postgres_server(target)
        try:
            with server.connect() as connection:
                for statement in statements:
                    connection.execute(text(statement))
        finally:
            server.dispose()

    try:
        run(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    except SQLAlchemyError as error:
        DEMO_NOTICE.append(f"no database of its own for the demo ({error.__class__.__name__}): "
                           "each demo test loaded the demo itself")
        return None
    return target.set(database=name).render_as_string(hide_password=False), \
        lambda: run(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def demo_app(suite_app):
    """An app on a database of its own, migrated and loaded with the demo once per run; the tests
    marked `demo` share it, each inside a transaction rolled back at its end (the `db` fixture),
    so the demo stays as loaded. Where no such database can be made, the suite's app: those
    tests' own `demo.load()` then loads it (the slow way)."""
    made = _make_demo_database()
    if made is None:
        yield suite_app
        return
    url, drop = made

    class DemoConfig(SuiteConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = _migrated_app(DemoConfig)
    with app.app_context():
        demo.load()
        _db.session.commit()
        _db.session.remove()
    yield app
    with app.app_context():
        _db.engine.dispose()
    drop()


class _ConnectionSession(Session):
    """Flask-SQLAlchemy's Session.get_bind picks the engine even when the session was bound
    to a connection; the test session must use the test's connection. Only for the test's own
    app: `db.session` is one attribute for the whole process, so a thread of another app (the
    session-wide live servers of the browser journeys and of the API checks) that queries while
    a test runs gets its own app's engine, never this test's connection."""

    test_app = None  # set on the subclass the `db` fixture makes for its test

    def get_bind(self, *args, **kwargs):
        if has_app_context() and current_app._get_current_object() is not self.test_app:
            return super().get_bind(*args, **kwargs)
        return self.bind


class _LeakGuard:
    """Row counts of every table of the suite's database, read on a connection of their own
    after each test: a test that leaves committed rows behind (a committing test whose clean-up
    missed a table, or a thread still writing after the test ended) fails at teardown, named,
    instead of failing some later test whose order happens to meet the rows (CI's PostgreSQL run
    failed four notice and invitation tests on a committed `notice_%` mail nobody of theirs made)."""

    def __init__(self):
        self.baseline = None

    @staticmethod
    def counts():
        tables = _db.metadata.sorted_tables
        query = union_all(*(select(literal(t.name), func.count()).select_from(t) for t in tables))
        with _db.engine.connect() as connection:
            return dict(connection.execute(query).all())

    def check(self, app):
        with app.app_context():
            now = self.counts()
        before, self.baseline = self.baseline, now
        if before is None:
            return
        changed = {t: (before.get(t, 0), n) for t, n in now.items() if n != before.get(t, 0)}
        if changed:
            shown = ", ".join(f"{t} {a}→{b}" for t, (a, b) in sorted(changed.items()))
            pytest.fail(f"committed rows left behind in the suite's database: {shown}", pytrace=False)


_LEAKS = _LeakGuard()


_POOL_WORKERS = ("asyncio_", "ThreadPoolExecutor-")


def _threads_left_running(before, grace=10.0):
    """The threads a test started and left running (after `grace` seconds to end): a test thread
    that outlives its test writes through whatever `db.session` the next test installs (the
    `db` fixture swaps it), on that test's connection or, after a committing test, for real."""
    deadline = time.monotonic() + grace
    left = []
    for thread in threading.enumerate():
        if thread in before or thread.daemon or thread is threading.current_thread():
            continue
        if thread.name.startswith(_POOL_WORKERS):
            continue  # an executor's idle workers (asyncio's for Playwright and the SMTP stub) stay by design
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            left.append(thread.name)
    return left


@pytest.fixture(autouse=True)
def _no_committed_leftovers(suite_app):
    """Fails the test, at teardown, that leaves a thread running or committed rows behind."""
    if _LEAKS.baseline is None:
        _LEAKS.check(suite_app)
    before = set(threading.enumerate())
    yield
    running = _threads_left_running(before)
    if running:
        pytest.fail(f"threads of this test still running after it ended: {', '.join(running)}", pytrace=False)
    _LEAKS.check(suite_app)


@pytest.fixture(autouse=True)
def db(request, app, _no_committed_leftovers):
    """Each test runs inside one outer transaction that is rolled back afterwards; the app's
    commits only release SAVEPOINTs inside it. Tests marked `committing` opt out."""
    store = app.extensions.get("rakor.page_cache")
    if store is not None:
        store.__init__()  # rolled-back rows leave no fragments behind for the next test
    if request.node.get_closest_marker("committing"):
        with app.app_context():
            yield _db
            _db.session.remove()
        return
    ctx = app.app_context()
    ctx.push()
    connection = _db.engine.connect()
    transaction = connection.begin()
    original = _db.session
    _db.session = _db._make_scoped_session(
        {"bind": connection, "join_transaction_mode": "create_savepoint",
         "class_": type("_TestSession", (_ConnectionSession,), {"test_app": app})}
    )
    try:
        yield _db
    finally:
        _db.session.remove()
        _db.session = original
        transaction.rollback()
        connection.close()
        ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login_as(client, db):
    """login_as(role, agency=None, **user_fields) -> user; the test client is then signed in."""
    def _login(role, agency=None, **fields):
        user = make_user(role=role, agency=agency, **fields)
        db.session.commit()
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return user

    return _login


class QueryLog:
    """The SQL statements a block executed, without transaction control (SAVEPOINT, RELEASE,
    ROLLBACK: the test's rollback fixture adds those, production would not).
    Calling it gives their number; `selects` the reads among them."""

    def __init__(self):
        self.statements = []

    def __call__(self):
        return len(self.statements)

    @property
    def selects(self):
        return [s for s in self.statements if s.lstrip().upper().startswith("SELECT")]


@pytest.fixture
def count_queries(db):
    """with count_queries() as n: ...; n() -> SQL statements executed inside the block, with
    garbage collected at every step (garbage_collected_at_every_step)."""

    @contextlib.contextmanager
    def counter():
        log = QueryLog()

        def listener(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                log.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with garbage_collected_at_every_step(db.engine):
                yield log
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)

    return counter


@contextlib.contextmanager
def garbage_collected_at_every_step(engine):
    """Collect garbage before and after every template and after every statement.

    The session's identity map holds its objects weakly: a many-to-one read when the code asks
    for it (`current_user.agency`) costs no query while an object loaded earlier is still alive,
    and one when the collector has freed it. The collector runs when it likes, so the home page,
    which leant on that, once failed CI with a query more than on every other run. Here it runs at
    every step, so a count is the one code has when every object nothing holds is gone."""
    def collect(*args, **kwargs):
        gc.collect()

    gc.freeze()  # what is alive already is not scanned again at every step
    before_render_template.connect(collect)
    template_rendered.connect(collect)
    event.listen(engine, "after_cursor_execute", collect)
    try:
        yield
    finally:
        event.remove(engine, "after_cursor_execute", collect)
        template_rendered.disconnect(collect)
        before_render_template.disconnect(collect)
        gc.unfreeze()


@pytest.fixture
def kalsel(db):
    """Province 63 and its 13 regencies/cities with their planning agencies (the demo's file)."""
    load_regions(read_region_csv(REGIONS_FILE.read_bytes()))
    ensure_planning_agencies(PROVINCE)
    db.session.flush()
    return PROVINCE


@pytest.fixture
def cm(db):
    """The commitments' setting (commitments and progress tests): `commitments_meeting`."""
    return commitments_meeting()


@pytest.fixture
def queue_config(app, monkeypatch):
    """Sets the document queue settings on the suite's app for one test; returns a setter."""
    def configure(redis_url, threshold=3, queue_name=None):
        monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
        monkeypatch.setitem(app.config, "DOCUMENT_QUEUE_THRESHOLD", threshold)
        monkeypatch.setitem(app.config, "DOCUMENT_QUEUE", queue_name or f"rakor-test-{uuid.uuid4().hex}")
        return app.config["DOCUMENT_QUEUE"]

    yield configure
    queueing.forget_connection(app)


@pytest.fixture
def redis_queue(queue_config):
    """A real document queue on Redis db 14 (or REDIS_TEST_URL), emptied of this test's keys
    afterwards; skipped with a notice when Redis does not answer."""
    connection = redis_or_skip("QUEUE TESTS", "the inline path is tested anyway")
    name = queue_config(REDIS_URL)
    yield connection, name
    keys = list(connection.scan_iter(f"*{name}*"))
    if keys:
        connection.delete(*keys)
    connection.srem("rq:queues", f"rq:queue:{name}")  # rq's list of queues (its workers' keys expire)
    connection.close()


def pytest_report_header(config):
    return f"rakor database: {database_url().split('@')[-1]}"


def pytest_terminal_summary(terminalreporter):
    for notice in DEMO_NOTICE:
        terminalreporter.write_line(f"NOTICE: {notice}", yellow=True)
    for marker, what in (("S3 TESTS SKIPPED", "S3 storage tests (SeaweedFS)"),
                         ("BACKUP TEST SKIPPED", "backup and restore tests (PostgreSQL)")):
        found = [r for r in terminalreporter.stats.get("skipped", []) if marker in str(r.longrepr)]
        if found:
            reason = str(found[0].longrepr[-1]) if isinstance(found[0].longrepr, tuple) else ""
            terminalreporter.write_sep("!", f"{len(found)} {what} were SKIPPED", red=True, bold=True)
            terminalreporter.write_line(reason)
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if "BROWSER TESTS SKIPPED" in str(r.longrepr)]
    if skipped:
        reason = str(skipped[0].longrepr[-1]) if isinstance(skipped[0].longrepr, tuple) else ""
        terminalreporter.write_sep("!", f"{len(skipped)} browser journeys were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(reason)


@pytest.fixture
def page_cache_header(app):
    """Responses say in X-Page-Cache what the page cache found (PAGE_CACHE_HEADER), for this test."""
    app.config["PAGE_CACHE_HEADER"] = True
    yield
    app.config["PAGE_CACHE_HEADER"] = False


@pytest.fixture
def statements(app):
    """Every SQL statement the app's engine sends during the test, in order."""
    seen = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(_db.engine, "before_cursor_execute", record)
