"""Flask-Limiter's before/after-request hooks return at once where they have nothing to check
(rakor/api/rate_limit.py `note_idle_hooks`): every limit of the pages is on its view, checked by
its decorator. A default, application or blueprint limit, or the in-memory fallback, turns
them back on."""
import pytest

from rakor.api import rate_limit
from rakor.extensions import limiter
from tests.factories import make_user
from tests.helpers import client_of


@pytest.fixture
def resolved(monkeypatch):
    """The endpoints whose limits Flask-Limiter resolved, in order."""
    seen = []
    real = limiter.limit_manager.resolve_limits

    def spy(app, endpoint=None, *args, **kwargs):
        seen.append(endpoint)
        return real(app, endpoint, *args, **kwargs)

    monkeypatch.setattr(limiter.limit_manager, "resolve_limits", spy)
    return seen


def test_the_hooks_check_nothing_on_a_page_and_a_views_limit_still_counts(app, db, client, resolved):
    assert app.extensions[rate_limit._IDLE] is True  # no default, application or blueprint limit
    user = make_user("committee")
    db.session.commit()
    assert client_of(app, user).get("/notices").status_code == 200
    assert resolved == []
    client.post("/login", data={"email": "siapa@example.id", "password": "salah"})
    assert resolved == ["auth.login"]  # the sign-in form's own limit, by its decorator


def test_the_hooks_run_again_when_a_limit_needs_them(app, db, monkeypatch):
    manager, resolved = type(limiter.limit_manager), []
    monkeypatch.setattr(manager, "default_limits", property(lambda self: ["1 per second"]))
    # What the hook asks for, recorded; nothing to count (the limit above only says one exists).
    monkeypatch.setattr(limiter.limit_manager, "resolve_limits",
                        lambda app, endpoint=None, *args, **kwargs: resolved.append(endpoint) or ([], []))
    rate_limit.note_idle_hooks(app)
    try:
        assert app.extensions[rate_limit._IDLE] is False
        user = make_user("committee")
        db.session.commit()
        assert client_of(app, user).get("/notices").status_code == 200
        assert resolved == ["notices.index"]
    finally:
        monkeypatch.undo()
        rate_limit.note_idle_hooks(app)
    assert app.extensions[rate_limit._IDLE] is True


@pytest.mark.parametrize("setting", ["application", "blueprint", "fallback"])
def test_each_kind_of_limit_the_hooks_check_turns_them_on(app, monkeypatch, setting):
    manager = type(limiter.limit_manager)
    if setting == "application":
        monkeypatch.setattr(manager, "application_limits", property(lambda self: ["10 per second"]))
    elif setting == "blueprint":
        monkeypatch.setattr(manager, "blueprint_limits",
                            lambda self, app, name: ["10 per second"] if name == "notices" else [])
    else:
        monkeypatch.setattr(limiter, "_in_memory_fallback_enabled", True)
    try:
        rate_limit.note_idle_hooks(app)
        assert app.extensions[rate_limit._IDLE] is False
    finally:
        monkeypatch.undo()
        rate_limit.note_idle_hooks(app)
