"""Registries other features fill from their init_app: sections, follow-up blocks, tabs,
transition guards, dashboard panels; one shape, no import side effects, idempotent."""
import re

import pytest

import config
from rakor import create_app
from rakor.core.errors import DomainError
from rakor.documents import registry as documents
from rakor.extensions import db
from rakor.main.dashboard import panels
from rakor.meetings import hooks
from tests.factories import make_agency, make_meeting, make_quota


def _snapshot():
    return ([e.key for e in hooks.sections], [e.key for e in hooks.follow_up_blocks],
            [e.key for e in hooks.tabs], [e.key for e in panels], documents.names())


def test_features_register_in_init_app_and_a_second_app_adds_nothing(app, tmp_path):
    before = _snapshot()
    assert before[0] == ["failed_mail", "follow_up", "participants", "commitments", "minutes"]
    assert before[1] == ["commitments", "progress"]
    assert before[2] == ["participants", "commitments", "progress", "quotas", "invitations", "checkin", "minutes"]
    assert before[3] == ["notices", "latest_minutes", "upcoming_meetings", "checkin_today", "progress", "reference_data"]
    assert before[4] == ["agreement", "attendance", "invitation", "minutes", "monitoring"]

    class Again(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path}/again.db"
        UPLOAD_DIR = str(tmp_path / "uploads")

    second = create_app(Again)
    try:
        assert _snapshot() == before
        assert "documents.attendance_pdf" in second.view_functions
        assert second.jinja_env.filters["phone"] is app.jinja_env.filters["phone"]
        assert "role_label" in second.jinja_env.filters
    finally:
        with second.app_context():
            db.engine.dispose()


def test_importing_a_feature_registers_nothing():
    import subprocess
    import sys

    code = ("import rakor.participants.views, rakor.meetings.views, rakor.meetings.follow_up;"
            "from rakor.meetings import hooks; from rakor.documents import registry;"
            "print(len(hooks.sections), len(hooks.tabs), registry.names())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "0", "[]"]


def test_registering_a_key_again_replaces_it():
    def loader(meeting, user):
        return None

    hooks.sections.register("test-section", template="x.html", loader=loader, order=5)
    try:
        hooks.sections.register("test-section", template="y.html", loader=loader, order=50)
        entries = [e for e in hooks.sections if e.key == "test-section"]
        assert [(e.template, e.order) for e in entries] == [("y.html", 50)]
    finally:
        hooks.sections.unregister("test-section")


def test_transition_guards_may_refuse_a_move():
    calls = []

    def needs_final_minutes(meeting):
        calls.append(meeting)
        raise DomainError("Minutes are not final yet.")

    hooks.transition_guards.register("minutes_final", "test-minutes", needs_final_minutes)
    try:
        hooks.run_transition_guards("m", "held")  # no guard for that status
        with pytest.raises(DomainError):
            hooks.run_transition_guards("m", "minutes_final")
        assert calls == ["m"]
    finally:
        hooks.transition_guards.unregister("minutes_final", "test-minutes")
    assert "test-minutes" not in [e.key for e in hooks.transition_guards["minutes_final"]]


def _tabs(html):
    bar = re.search(r'<ul class="nav nav-tabs[^"]*"[^>]*>(.*?)</ul>', html, re.S)
    return re.findall(r'id="tab-([a-z]+)"', bar.group(1)) if bar else []


def test_tabs_show_what_the_user_may_open(client, login_as):
    meeting = make_meeting()
    db.session.commit()
    login_as("committee")
    html = client.get(f"/meetings/{meeting.id}/quotas").get_data(as_text=True)
    assert _tabs(html) == ["overview", "participants", "commitments", "progress", "quotas", "invitations", "checkin",
                          "minutes"]  # "Ringkasan" leads back to the meeting page (issue 18)
    assert re.search(r'class="nav-link active" aria-current="page" id="tab-quotas"', html)
    crumbs = html[html.index('<ol class="breadcrumb'):html.index("</ol>")]
    assert 'aria-current="page">Kuota peserta</li>' in crumbs
    login_as("leadership")  # reads participants, commitments, progress and minutes, manages nothing
    html = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert _tabs(html) == ["overview", "participants", "commitments", "progress", "minutes"] and 'aria-current="page">Peserta</li>' in html


def test_a_delegate_gets_only_the_tabs_of_its_own_work(client, login_as):
    agency = make_agency()
    meeting = make_meeting()
    make_quota(meeting, agency)
    db.session.commit()
    login_as("delegate", agency=agency)
    html = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert _tabs(html) == ["overview", "participants", "commitments", "progress", "minutes"] and f'href="/meetings/{meeting.id}"' in html


def test_dashboard_panels_render_with_their_own_context(client, login_as):
    panels.register("test-panel", template="meetings/_dashboard_panel.html",
                    loader=lambda user: {"upcoming_meetings": []} if user.role == "leadership" else None,
                    order=1)
    try:
        login_as("leadership")
        html = client.get("/").get_data(as_text=True)
        assert html.count('id="panel-upcoming-meetings"') == 2
        login_as("committee")
        assert client.get("/").get_data(as_text=True).count('id="panel-upcoming-meetings"') == 1
    finally:
        panels.unregister("test-panel")
