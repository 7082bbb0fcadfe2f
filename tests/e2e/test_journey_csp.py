"""The Content-Security-Policy as a browser applies it: a refusal fails any journey (see
conftest.page), and what used to be inline (styles, onclick/onsubmit) still works."""
from tests.e2e.conftest import login


def test_a_csp_violation_is_noticed(page, live_server, csp_violations):
    page.goto(f"{live_server}/login")
    with page.expect_console_message(lambda m: m.text.startswith("CSP violation:")):
        page.evaluate("""() => {
            const s = document.createElement("script");
            s.textContent = "window.injected = true";
            document.body.appendChild(s);
            document.body.setAttribute("style", "color: red");
        }""")
    assert page.evaluate("() => window.injected") is None  # the inline script did not run
    assert any("script-src" in v for v in csp_violations)
    csp_violations.clear()  # noticed: this test is about the noticing


def seed_meeting_id(live_app):
    from rakor.meetings.demo import find_seed_meeting

    with live_app.app_context():
        # The seed Rakor (agenda, 52 delegates); other journeys add meetings of their own.
        return find_seed_meeting().id


def test_pages_that_had_inline_styles_and_handlers_work_under_the_policy(page, live_server, live_app):
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    meeting_url = f"{live_server}/meetings/{seed_meeting_id(live_app)}"
    page.goto(meeting_url)
    assert page.locator(".agenda-slot").first.evaluate("e => getComputedStyle(e).minWidth") != "0px"
    page.goto(f"{live_server}/meetings/calendar?year=2024&month=2")
    assert page.locator("table.calendar-month").evaluate("e => getComputedStyle(e).tableLayout") == "fixed"
    page.goto(f"{meeting_url}/badges")
    assert page.locator("button[data-print]").is_visible()
    assert page.locator(".badge-sheet").evaluate("e => getComputedStyle(e).display") == "grid"
    # A confirmed action still asks first (data-confirm, static/js/rakor.js): dismissing keeps it.
    page.goto(f"{meeting_url}/participants")
    cancel = page.locator("form[data-confirm] button", has_text="Batalkan pendaftaran").first
    rows = page.locator("form[data-confirm]").count()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    cancel.click()
    page.wait_for_timeout(300)
    assert asked and "Batalkan pendaftaran" in asked[0]
    assert page.url.endswith("/participants") and page.locator("form[data-confirm]").count() == rows
