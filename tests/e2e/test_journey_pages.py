"""Pages at a laptop's 1280 px and a phone's 390 px (issue 12, "Pages"): nothing that matters
falls off the screen."""
import pytest

from tests.e2e.conftest import login


def seed_meeting_id(live_app):
    from rakor.meetings.demo import find_seed_meeting

    with live_app.app_context():
        return find_seed_meeting().id


def right_edge(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"]


@pytest.mark.parametrize("width", [1280, 390])
def test_committee_pages_keep_what_matters_on_screen(page, live_server, live_app, width):
    meeting_id = seed_meeting_id(live_app)
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    assert page.locator("#brand img.brand-mark").is_visible()

    # The participants table: the first row's actions are on screen, not cut off.
    page.goto(f"{live_server}/meetings/{meeting_id}/participants")
    row = page.locator("#participants-table tbody tr").first
    for button in (row.locator("a", has_text="Ubah"), row.locator("button", has_text="Batalkan")):
        assert button.is_visible() and right_edge(button) <= width
    # On a phone the secondary columns give way; the agency shows under the name.
    assert page.locator("#participants-table th", has_text="Kontak").is_visible() == (width >= 768)
    assert row.locator(".participant-agency").is_visible() == (width < 768)

    # The meeting page: the tools are tabs above the agenda, all on screen, and "%" stays visible.
    page.goto(f"{live_server}/meetings/{meeting_id}")
    for key in ("participants", "quotas", "invitations", "checkin"):
        tab = page.locator(f"#tab-{key}")
        assert tab.is_visible() and right_edge(tab) <= width
        assert tab.bounding_box()["y"] < page.locator("#agenda").bounding_box()["y"]
    percent = page.locator("#section-attendance-stats thead th", has_text="%")
    percent.scroll_into_view_if_needed()
    assert right_edge(percent) <= width
