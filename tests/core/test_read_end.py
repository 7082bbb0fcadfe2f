"""How a request ends its transaction (rakor/core/read_end.py): a read that succeeded and wrote
nothing commits (psycopg keeps its prepared statements only then); anything that wrote or
failed rolls back, so a read never saves by accident."""
import pytest
from sqlalchemy import event, select, update

from rakor.extensions import db
from rakor.regions.models import Region
from tests.factories import make_region


@pytest.fixture
def ends(app):
    """The list of 'commit'/'rollback' each session transaction of a request ended with."""
    seen = []
    session_class = db.session.session_factory.class_

    def committed(session):
        seen.append("commit")

    def rolled_back(session):
        seen.append("rollback")

    event.listen(session_class, "after_commit", committed)
    event.listen(session_class, "after_soft_rollback", rolled_back)
    yield seen
    event.remove(session_class, "after_commit", committed)
    event.remove(session_class, "after_soft_rollback", rolled_back)


@pytest.fixture
def routes(app, db, monkeypatch):
    """`/healthz` (public) answering with test bodies: a read, a read that changes an object
    without saving, one that flushes, one that sends an UPDATE, a failed read."""
    region = make_region()
    db.session.commit()
    healthz = app.view_functions["ops.healthz"]

    def read():
        return db.session.get(Region, region.id).name

    def dirty():
        db.session.get(Region, region.id).name = "Diubah oleh GET"
        return "shown"

    def flushed():
        db.session.get(Region, region.id).name = "Diubah lalu flush"
        db.session.scalar(select(Region.id).limit(1))  # autoflush
        return "shown"

    def statement():
        db.session.execute(update(Region).where(Region.id == region.id).values(name="Lewat UPDATE"))
        return "shown"

    def missing():
        db.session.get(Region, region.id)
        return "not here", 404

    views = {"read": read, "dirty": dirty, "flushed": flushed, "statement": statement, "missing": missing}

    def answer(kind):
        view = views[kind]
        view.__dict__.update(healthz.__dict__)  # the same declared (public) access
        monkeypatch.setitem(app.view_functions, "ops.healthz", view)

    answer.region = region
    return answer


def name_of(region_id):
    db.session.expire_all()
    return db.session.scalar(select(Region.name).where(Region.id == region_id))


def test_a_read_that_succeeded_ends_with_commit(client, routes, ends):
    routes("read")
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "commit" in ends and "rollback" not in ends


@pytest.mark.parametrize("kind", ["dirty", "flushed", "statement"])
def test_a_read_that_changed_anything_rolls_back_and_saves_nothing(client, routes, ends, kind):
    before = routes.region.name
    routes(kind)
    assert client.get("/healthz").status_code == 200
    assert "commit" not in ends
    assert name_of(routes.region.id) == before


def test_a_failed_read_rolls_back(client, routes, ends):
    routes("missing")
    assert client.get("/healthz").status_code == 404
    assert "commit" not in ends


def test_a_post_is_left_to_its_view(client, ends, login_as):
    login_as("committee")
    ends.clear()
    client.post("/meetings/new", data={})  # refused by validation: the view commits nothing
    assert "commit" not in ends
