"""PostgreSQL restarting or unreachable answers Rakor's own 503 page with Retry-After, even when
loading the signed-in user is what failed (the layout would load them again): never a bare 500
(bench/faults.py, the "postgres" scenario)."""
import pytest
from sqlalchemy.exc import OperationalError

from tests.factories import make_meeting


class _GoneError(Exception):
    pass


def _down(*_args, **_kwargs):
    raise OperationalError("SELECT …", {}, _GoneError("the database system is shutting down"))


@pytest.fixture
def production_errors(app, monkeypatch):
    monkeypatch.setitem(app.config, "RENDER_500_IN_TESTS", True)  # the pages users get


def test_a_query_that_cannot_reach_the_database_answers_503(client, db, login_as, production_errors, monkeypatch):
    meeting = make_meeting()
    login_as("committee")
    monkeypatch.setattr("rakor.meetings.queries.get_meeting", _down)
    response = client.get(f"/meetings/{meeting.id}/edit")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Sementara tidak tersedia" in page and "Tidak ada yang diubah" in page
    assert 'id="user-menu"' in page  # the user was loaded before the database went away


def test_when_loading_the_user_fails_the_page_shows_as_to_a_visitor(app, client, db, login_as,
                                                                   production_errors, monkeypatch):
    meeting = make_meeting()
    login_as("committee")
    monkeypatch.setattr(app.login_manager, "_user_callback", _down)
    response = client.get(f"/meetings/{meeting.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Sementara tidak tersedia" in page
    assert 'id="user-menu"' not in page and "Traceback" not in page


def test_other_database_errors_stay_a_500(client, db, login_as, production_errors, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    meeting = make_meeting()
    login_as("committee")

    def broken(*_a, **_k):
        raise IntegrityError("INSERT …", {}, _GoneError("duplicate key"))

    monkeypatch.setattr("rakor.meetings.queries.get_meeting", broken)
    response = client.get(f"/meetings/{meeting.id}/edit")
    assert response.status_code == 500 and "Terjadi kesalahan" in response.get_data(as_text=True)


def test_a_rollback_that_fails_after_the_page_was_made_still_sends_the_page(client, db, login_as,
                                                                           production_errors, monkeypatch):
    """PostgreSQL stopping between a request's last query and its end: the session's closing
    ROLLBACK fails outside every error handler (bench/faults.py saw a bare 500 from gunicorn).
    The page was ready; it is sent, and the dead connection leaves the pool."""
    from sqlalchemy.orm import Session

    meeting = make_meeting(title="Rakor Tetap Tampil")
    login_as("committee")
    real_close = Session.close
    failures = []

    def close_once_on_a_dead_connection(session):
        if not failures:
            failures.append(session)
            raise OperationalError("ROLLBACK", {}, _GoneError("terminating connection due to administrator command"))
        return real_close(session)

    dropped = []

    def invalidate(session):
        # What invalidate does to a pooled connection (it is unusable, it leaves the pool) would
        # end this test's own outer transaction: record the call and close instead.
        dropped.append(session)
        real_close(session)

    monkeypatch.setattr(Session, "close", close_once_on_a_dead_connection)
    monkeypatch.setattr(Session, "invalidate", invalidate)
    response = client.get(f"/meetings/{meeting.id}")
    assert failures, "the request's session was not closed through Session.close"
    assert dropped == failures
    assert response.status_code == 200 and "Rakor Tetap Tampil" in response.get_data(as_text=True)
    monkeypatch.setattr(Session, "close", real_close)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200  # the next request finds a working session
