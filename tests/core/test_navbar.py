"""The navbar highlights the section of the current page (class "active" and aria-current)."""
import re

import pytest

from tests.factories import make_meeting


def _active_nav(html):
    """ids of the navbar links marked active; each must also carry aria-current="page"."""
    nav = html[html.index('<nav class="navbar'):html.index("</nav>")]
    links = re.findall(r'<a class="nav-link([^"]*)" id="(nav-[a-z]+)"[^>]*?( aria-current="page")?>', nav)
    for classes, link_id, current in links:
        assert ("active" in classes) == bool(current), link_id
    return [link_id for classes, link_id, _ in links if "active" in classes]


@pytest.mark.parametrize("path, expected", [
    ("/", ["nav-dashboard"]),
    ("/admin/users", ["nav-users"]),
    ("/admin/users/new", ["nav-users"]),
    ("/admin/agencies", ["nav-agencies"]),
    ("/admin/regions", ["nav-regions"]),
    ("/meetings/", ["nav-meetings"]),
    ("/account/password", []),
])
def test_admin_navbar_marks_the_current_section(client, login_as, path, expected):
    login_as("admin")
    response = client.get(path)
    assert response.status_code == 200
    assert _active_nav(response.get_data(as_text=True)) == expected


def test_meeting_sub_pages_belong_to_meetings(client, login_as, db):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    for path in ("/meetings/", "/meetings/calendar", f"/meetings/{meeting.id}",
                 f"/meetings/{meeting.id}/participants", f"/meetings/{meeting.id}/quotas",
                 f"/meetings/{meeting.id}/invitations", f"/meetings/{meeting.id}/checkin"):
        html = client.get(path).get_data(as_text=True)
        assert _active_nav(html) == ["nav-meetings"], path
    assert _active_nav(client.get("/").get_data(as_text=True)) == ["nav-dashboard"]


def test_participant_pages_have_a_breadcrumb_back_to_the_meeting(client, login_as, db):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}/checkin").get_data(as_text=True)
    crumbs = html[html.index('<ol class="breadcrumb'):html.index("</ol>")]
    assert 'href="/meetings/"' in crumbs and f'href="/meetings/{meeting.id}"' in crumbs
    assert 'aria-current="page">Presensi</li>' in crumbs
