"""A short tour of the pages the other journeys do not open (the administrator's lists, the
seat quotas, the walk-in form, the sign-in page in English), so that the outside checkers
(tests/e2e/test_zz_outside_checkers.py) see them too, with what each page must show."""
from tests.e2e.conftest import login
from tests.e2e.test_journey_pages import seed_meeting_id


def test_the_administrator_and_committee_pages_open(page, live_server, live_app):
    login(page, live_server, "admin@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    for path, text in (("/admin/users", "panitia@demo.rakor.id"), ("/admin/agencies", "Kotabaru"),
                       ("/admin/regions", "Kalimantan Selatan"), ("/admin/indicators", "KEMISKINAN")):
        page.goto(f"{live_server}{path}")
        assert page.locator("main, body").first.inner_text().find(text) >= 0, path
    page.context.clear_cookies()
    meeting_id = seed_meeting_id(live_app)
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/meetings/{meeting_id}/quotas")
    assert page.locator("input.input-seats").count() == 13
    page.goto(f"{live_server}/meetings/{meeting_id}/checkin/walk-in")
    assert page.locator("#walk-in-form").is_visible()
