"""A request whose transaction only read ends with COMMIT, so psycopg keeps its prepared
statements (rakor/core/read_transactions.py); one that wrote anything, answered an error or
raised still ends with the teardown's ROLLBACK. PostgreSQL only (the module is installed on
PostgreSQL only): on SQLite these tests are skipped with their notice."""
from datetime import date

import pytest
from flask import g
from sqlalchemy import event, func, insert, literal, select, text

from rakor.core import read_transactions
from rakor.extensions import db
from rakor.progress.models import LocalHoliday
from tests.conftest import is_postgres

pytestmark = pytest.mark.skipif(
    not is_postgres(), reason="ending reads with COMMIT is for PostgreSQL's prepared statements "
                              "(TEST_DATABASE_URL)")


@pytest.fixture
def request_ends(suite_app, engine_session):
    """(end, ended): `end(status)` ends a request as Flask would (after_request with a
    response of `status`, then the teardown hook); `ended` lists the engine's COMMITs."""
    ended = []
    listener = lambda _connection: ended.append("commit")  # noqa: E731
    event.listen(db.engine, "commit", listener)
    context = suite_app.test_request_context("/")
    context.push()

    def end(status=200, error=None):
        read_transactions._note_answer(suite_app.response_class(status=status))
        read_transactions.commit_if_only_read(error)
        g.pop(read_transactions._ANSWERED, None)

    try:
        yield end, ended
    finally:
        context.pop()
        event.remove(db.engine, "commit", listener)


def _driver():
    return db.session.connection().connection.driver_connection


def test_a_read_commits_and_its_statement_stays_prepared(request_ends):
    """Also with idle connections beside it in the pool: the pool hands out the connection
    handed back last (pool_use_lifo, rakor/__init__.py), so the next request finds what the
    last one prepared (first-in first-out, it rotated through the pool and none reached the
    fifth use)."""
    end, ended = request_ends
    held = [db.engine.connect() for _ in range(3)]
    for connection in held:
        connection.close()  # back to the pool, idle
    statement = select(literal(41).label("n") + func.length("rakor"))
    for _ in range(7):  # psycopg prepares a statement on its fifth use on a connection
        assert db.session.execute(statement).scalar() == 46
        end()
    assert ended == ["commit"] * 7
    prepared = db.session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert prepared >= 1


def test_with_a_rollback_the_prepared_statements_were_dropped(request_ends):
    """What the module is for: the old end of a request, a ROLLBACK, lets nothing stay prepared."""
    end, ended = request_ends
    statement = select(literal(41).label("n") + func.length("rakor"))
    for _ in range(7):
        assert db.session.execute(statement).scalar() == 46
        db.session.rollback()
    prepared = db.session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert prepared == 0 and ended == []


def test_what_wrote_anything_or_failed_is_not_committed(request_ends, engine_session):
    end, ended = request_ends
    holiday = {"day": date(2031, 8, 17), "name": "Uji baca-tulis"}
    try:
        engine_session.execute(insert(LocalHoliday).values(**holiday))  # written, not committed
        end()
        assert ended == []
        engine_session.rollback()
        engine_session.add(LocalHoliday(**holiday))  # pending, not flushed
        end()
        assert ended == []
        engine_session.rollback()
        engine_session.execute(text("UPDATE local_holiday SET name = name WHERE false"))  # raw SQL
        end()
        assert ended == []
        engine_session.rollback()
        engine_session.execute(select(literal(1)))
        end(status=404)
        end(status=500)
        end(error=RuntimeError("the view raised"))
        assert ended == []
        assert _driver().info.transaction_status.name == "INTRANS"
        engine_session.rollback()
        count = select(func.count()).select_from(LocalHoliday).where(LocalHoliday.day == holiday["day"])
        assert engine_session.execute(count).scalar() == 0
    finally:
        engine_session.rollback()
        engine_session.execute(LocalHoliday.__table__.delete().where(LocalHoliday.day == holiday["day"]))
        engine_session.commit()


def test_a_commit_leaves_the_sessions_objects_loaded(request_ends, engine_session):
    """The request is over, but a late hook may still read what it loaded: nothing is expired
    (so nothing is queried again, in a transaction the teardown would roll back)."""
    end, ended = request_ends
    day = date(2031, 8, 18)
    engine_session.add(LocalHoliday(day=day, name="Uji dimuat"))
    engine_session.commit()
    try:
        engine_session.expunge_all()
        ended.clear()
        holiday = engine_session.scalars(select(LocalHoliday).where(LocalHoliday.day == day)).one()
        end()
        assert ended == ["commit"]
        assert engine_session().expire_on_commit is True  # restored
        assert vars(holiday)["name"] == "Uji dimuat"  # still loaded, not expired
    finally:
        engine_session.rollback()
        engine_session.execute(LocalHoliday.__table__.delete().where(LocalHoliday.day == day))
        engine_session.commit()


def test_a_commit_that_fails_is_logged_and_left_to_the_teardown(request_ends, engine_session, monkeypatch,
                                                                caplog):
    from sqlalchemy.exc import OperationalError

    end, ended = request_ends
    engine_session.execute(select(literal(1)))

    def gone():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setattr(engine_session(), "commit", gone)
    end()
    assert ended == []
    assert "read-only transaction not committed" in caplog.text


@pytest.fixture
def committed_user(engine_session):
    """The id of a committee user committed for real (engine_session sees only what is
    committed), deleted after the test."""
    import uuid

    from rakor.auth.models import User

    user = User(email=f"lone-read-{uuid.uuid4().hex[:12]}@example.id", name="Uji Baca Tunggal", password_hash="x",
                role="committee", session_token=uuid.uuid4().hex)
    engine_session.add(user)
    engine_session.flush()
    user_id = user.id  # read before the commit, which expires it (a read after would begin a transaction)
    engine_session.commit()
    engine_session.expunge_all()
    try:
        yield user_id
    finally:
        engine_session.rollback()
        engine_session.execute(User.__table__.delete().where(User.id == user_id))
        engine_session.commit()


def test_the_signed_in_users_row_is_read_outside_a_transaction(request_ends, engine_session, committed_user):
    """Every signed-in request starts with the user's row (rakor/auth/loading.py). On a pooled
    connection on which nothing ran yet it is read in autocommit (rakor/core/lone_reads.py): no
    BEGIN of its own, the connection idle after it, so a request that reads nothing else (a kept
    page) has no COMMIT to send; the next statement begins the transaction as before, and that
    request ends with its COMMIT."""
    from rakor.auth.loading import load_user
    from rakor.auth.models import User
    from rakor.core import lone_reads

    end, ended = request_ends
    ended.clear()  # the fixture's own commit
    driver = _driver()
    assert driver.info.transaction_status.name == "IDLE"
    loaded = load_user(committed_user)
    assert isinstance(loaded, User) and loaded.id == committed_user
    assert driver.info.transaction_status.name == "IDLE" and driver.autocommit is False
    assert lone_reads.nothing_to_end(engine_session())
    end()
    assert ended == []  # nothing to commit: no transaction was begun

    engine_session.expunge_all()
    load_user(committed_user)
    engine_session.execute(select(literal(1)))
    assert driver.info.transaction_status.name == "INTRANS"
    end()
    assert ended == ["commit"]


def test_with_something_pending_the_first_read_stays_in_the_transaction(request_ends, engine_session,
                                                                        committed_user):
    """An autoflush in autocommit would write outside the transaction: with an object pending
    the user's row is read in the session's transaction, which the teardown rolls back."""
    from rakor.auth.loading import load_user

    end, ended = request_ends
    ended.clear()  # the fixture's own commit
    day = date(2031, 8, 19)
    engine_session.add(LocalHoliday(day=day, name="Uji tertunda"))
    load_user(committed_user)
    assert _driver().info.transaction_status.name == "INTRANS"
    end()
    assert ended == []
    engine_session.rollback()
    count = select(func.count()).select_from(LocalHoliday).where(LocalHoliday.day == day)
    assert engine_session.execute(count).scalar() == 0


@pytest.fixture
def page_request(suite_app, engine_session):
    """A GET request as the app marks it (rakor/core/lone_reads.py `install`): its plain
    SELECTs may run in autocommit. Yields (driver, end) as `request_ends` does."""
    from rakor.core import lone_reads

    ended = []
    listener = lambda _connection: ended.append("commit")  # noqa: E731
    event.listen(db.engine, "commit", listener)
    context = suite_app.test_request_context("/", method="GET")
    context.push()
    lone_reads._mark_page()

    def end(status=200):
        read_transactions._note_answer(suite_app.response_class(status=status))
        read_transactions.commit_if_only_read(None)
        g.pop(read_transactions._ANSWERED, None)
        return ended

    try:
        yield _driver(), end
    finally:
        context.pop()
        event.remove(db.engine, "commit", listener)


def test_a_page_that_only_reads_sends_neither_begin_nor_commit(page_request, engine_session):
    """Every plain SELECT of a GET request runs while the connection is idle, in autocommit,
    which is turned off again after each: no BEGIN, and nothing to COMMIT at the end. Its
    statements stay prepared for the next request (no ROLLBACK clears them)."""
    driver, end = page_request
    statement = select(literal(40).label("n") + func.length("rakor!"))
    for _ in range(7):  # psycopg prepares a statement on its fifth use on a connection
        assert engine_session.execute(statement).scalar() == 46
        assert engine_session.execute(select(func.count()).select_from(LocalHoliday)).scalar() >= 0
        assert driver.info.transaction_status.name == "IDLE" and driver.autocommit is False
    assert end() == []
    prepared = engine_session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
    assert prepared >= 2


def test_a_pages_write_after_its_reads_is_in_a_transaction_the_teardown_can_undo(page_request, engine_session):
    """Reads in autocommit, then a write: the write begins the transaction (autocommit is off
    again), every statement after it runs inside it, and the teardown's ROLLBACK undoes it."""
    driver, end = page_request
    day = date(2031, 8, 20)
    engine_session.execute(select(literal(1))).scalar()
    assert driver.info.transaction_status.name == "IDLE"
    engine_session.add(LocalHoliday(day=day, name="Uji tulis di halaman"))
    engine_session.flush()
    assert driver.info.transaction_status.name == "INTRANS" and driver.autocommit is False
    engine_session.execute(select(literal(2))).scalar()
    assert driver.info.transaction_status.name == "INTRANS"
    assert end() == []  # it wrote: left to the teardown
    engine_session.rollback()
    count = select(func.count()).select_from(LocalHoliday).where(LocalHoliday.day == day)
    assert engine_session.execute(count).scalar() == 0


def test_a_pages_locking_select_holds_its_lock_in_a_transaction(page_request, engine_session):
    """SELECT ... FOR UPDATE keeps its lock until the transaction ends: never in autocommit."""
    driver, end = page_request
    engine_session.execute(select(LocalHoliday.id).limit(1).with_for_update()).all()
    assert driver.info.transaction_status.name == "INTRANS"
    engine_session.execute(select(literal(1))).scalar()
    assert driver.info.transaction_status.name == "INTRANS"
    assert end() == ["commit"]  # it only read: ended with COMMIT, as before


def test_a_failed_read_in_autocommit_leaves_autocommit_off(page_request, engine_session):
    from sqlalchemy.exc import DBAPIError

    driver, end = page_request
    with pytest.raises(DBAPIError):
        engine_session.execute(text("SELECT 1 / 0")).scalar()
    assert driver.autocommit is False
    engine_session.rollback()
    day = date(2031, 8, 21)
    engine_session.add(LocalHoliday(day=day, name="Uji setelah gagal"))
    engine_session.flush()
    assert driver.info.transaction_status.name == "INTRANS"  # the write is in a transaction
    engine_session.rollback()
    count = select(func.count()).select_from(LocalHoliday).where(LocalHoliday.day == day)
    assert engine_session.execute(count).scalar() == 0


def test_a_pages_streamed_read_runs_in_a_transaction(page_request, engine_session):
    """A server-side cursor lives in a transaction."""
    driver, end = page_request
    rows = engine_session.execute(select(literal(3).label("n")).execution_options(stream_results=True))
    assert rows.scalar() == 3
    assert driver.info.transaction_status.name == "INTRANS"


def test_a_forms_post_reads_inside_its_transaction(suite_app, engine_session):
    """Only pages: a POST's statements after the user's row run in one transaction."""
    from rakor.core import lone_reads

    with suite_app.test_request_context("/", method="POST"):
        lone_reads._mark_page()
        engine_session.execute(select(literal(1))).scalar()
        assert _driver().info.transaction_status.name == "INTRANS"
        engine_session.rollback()


def test_a_signed_in_page_through_the_app_ends_with_no_transaction(suite_app, engine_session, committed_user):
    """The whole path of a request (the app's hooks, the user's row, the page's reads): the
    connection is handed back idle, without COMMIT or ROLLBACK to send."""
    from rakor.auth.models import User

    user = engine_session.get(User, committed_user)
    cookie_id = user.get_id()
    engine_session.rollback()
    engine_session.expunge_all()
    commits = []
    listener = lambda _connection: commits.append("commit")  # noqa: E731
    event.listen(db.engine, "commit", listener)
    states = []
    read = lambda: states.append(_driver().info.transaction_status.name)  # noqa: E731
    suite_app.after_request_funcs.setdefault(None, []).insert(0, lambda response: (read(), response)[1])
    try:
        client = suite_app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = cookie_id
            sess["_fresh"] = True
        response = client.get("/notices")
        assert response.status_code == 200
        assert "Uji Baca Tunggal" in response.get_data(as_text=True)
    finally:
        suite_app.after_request_funcs[None].pop(0)
        event.remove(db.engine, "commit", listener)
    assert states == ["IDLE"] and commits == []
