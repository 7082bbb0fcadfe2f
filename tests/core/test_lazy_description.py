"""rakor/core/lazy_description.py: the app's psycopg cursors build `description` when it is read;
what it says is psycopg's own (names, types, None without a result), it keeps describing its own
result after the cursor ran another statement, and SQLAlchemy's results (cached or not, ORM or
Core, a server-side cursor) read the same rows by the same keys.

PostgreSQL only (psycopg); skipped on SQLite."""
import psycopg
import pytest
from sqlalchemy import create_engine, select, text

from rakor.core import lazy_description
from tests.conftest import database_url, is_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="needs PostgreSQL (TEST_DATABASE_URL)"),
]

QUERY = "SELECT 1 AS one, 'x'::text AS letter, now() AS at, NULL::numeric(12, 2) AS amount"


@pytest.fixture
def engine():
    engine = create_engine(database_url())
    lazy_description.install(engine)
    yield engine
    engine.dispose()


def _described(description):
    return [(c.name, c.type_code, c.display_size, c.internal_size, c.precision, c.scale, c.null_ok)
            for c in description]


def test_the_description_is_psycopgs_own(engine):
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        ours = driver.cursor()
        assert type(ours) is lazy_description.Cursor
        theirs = psycopg.Cursor(driver)
        ours.execute(QUERY)
        theirs.execute(QUERY)
        assert isinstance(ours.description, lazy_description.Description)
        assert len(ours.description) == 4
        assert _described(ours.description) == _described(theirs.description)
        assert ours.description[1].name == "letter" and ours.description[-1][0] == "amount"
        ours.execute("SET LOCAL search_path TO public")  # no rows: no description
        theirs.execute("SET LOCAL search_path TO public")
        assert ours.description is None and theirs.description is None
        ours.execute("SELECT")  # rows of no column: an empty description, as psycopg says
        theirs.execute("SELECT")
        assert theirs.description == [] and ours.description is not None and len(ours.description) == 0


def test_a_description_keeps_describing_its_own_result(engine):
    with engine.connect() as conn:
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute(QUERY)
        first = cursor.description  # not built yet
        cursor.execute("SELECT 2 AS two")
        assert [c.name for c in first] == ["one", "letter", "at", "amount"]
        assert [c.name for c in cursor.description] == ["two"]


def test_sqlalchemy_reads_the_same_rows_by_the_same_keys(app, db):
    """The app's own engine (installed by create_app): cached Core and ORM statements, textual SQL
    (its layout built from the description), a server-side cursor."""
    from rakor.auth.models import User
    from tests.factories import make_user

    user = make_user("committee", name="Pembaca Kolom")
    db.session.commit()
    assert type(db.session.connection().connection.driver_connection.cursor()) is lazy_description.Cursor
    for _ in range(3):  # the first run builds the layout, the others reuse it
        row = db.session.execute(select(User.id, User.name).where(User.id == user.id)).one()
        assert row._mapping["name"] == "Pembaca Kolom" and row.id == user.id
        assert db.session.scalar(select(User).where(User.id == user.id)).name == "Pembaca Kolom"
        row = db.session.execute(text("SELECT name AS n, id FROM user_account WHERE id = :id"), {"id": user.id}).one()
        assert row._mapping["n"] == "Pembaca Kolom" and row.id == user.id
    streamed = db.session.execute(select(User.name).where(User.id == user.id).execution_options(stream_results=True))
    assert streamed.scalars().all() == ["Pembaca Kolom"]
