from tests.e2e.conftest import login


def test_committee_logs_in_sees_indonesian_dashboard_switches_to_english_and_logs_out(page, live_server):
    login(page, live_server, "panitia@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("h1").inner_text() == "Beranda"
    assert page.get_by_text("Selamat datang").is_visible()
    page.click("#language-switch button")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("h1").inner_text() == "Dashboard"
    # Admin pages are not in a committee member's navigation.
    assert page.locator("a[href='/admin/users']").count() == 0
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_url(f"{live_server}/login")
    assert page.get_by_text("You have been signed out.").is_visible()
