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
