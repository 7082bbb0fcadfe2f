"""The API's pages in a browser: a delegate creates a personal access token, sees it once, uses
it, and revokes it (issue 21, tokens); the API documentation page renders the generated
description with Swagger UI from the site's own assets (no CDN, no CSP refusal). Their HTML is
recorded for the outside checkers (axe, vnu: test_zz_outside_checkers.py)."""
import re

from tests.e2e.conftest import login

DELEGATE = "delegasi.kotabaru@demo.rakor.id"


def _api_status(page, base, secret):
    response = page.request.get(f"{base}/api/v1/meetings", headers={"Authorization": f"Bearer {secret}"})
    return response.status


def test_a_delegate_creates_a_token_sees_it_once_uses_it_and_revokes_it(page, live_server):
    login(page, live_server, DELEGATE)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/account/tokens")
    page.fill("#name", "e-Monev Kotabaru (journey)")
    page.select_option("#scope", "read")
    page.locator("form:has(#name) button[type=submit]").click()
    page.wait_for_load_state()

    shown = page.locator("[data-new-token]")
    secret = shown.inner_text().strip()
    assert re.fullmatch(r"rkr_[A-Za-z0-9_-]{43}", secret), secret
    row = page.locator("tr[data-token]", has_text="e-Monev Kotabaru (journey)")
    assert row.count() == 1 and secret[:10] in row.inner_text()  # the prefix names it
    assert secret not in row.inner_text()

    # Shown once: the page read again lists the token by its prefix only.
    page.goto(f"{live_server}/account/tokens")
    assert page.locator("[data-new-token]").count() == 0
    assert secret not in page.content()

    # It works for the API (its own requests, no cookie), never for a page.
    assert _api_status(page, live_server, secret) == 200
    anonymous = page.context.browser.new_context()
    try:
        html = anonymous.request.get(f"{live_server}/account/tokens", max_redirects=0,
                                     headers={"Authorization": f"Bearer {secret}"})
        assert html.status == 302 and "/login" in html.headers["location"]
    finally:
        anonymous.close()

    row = page.locator("tr[data-token]", has_text="e-Monev Kotabaru (journey)")
    page.on("dialog", lambda dialog: dialog.accept())
    row.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    row = page.locator("tr[data-token]", has_text="e-Monev Kotabaru (journey)")
    assert row.locator("form button[type=submit]").count() == 0  # no revoke button any more
    assert row.locator(".badge").count() == 1
    assert _api_status(page, live_server, secret) == 401


def test_the_api_documentation_renders_from_local_assets(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server}/api/v1/docs")
    # Swagger UI has read the generated description: its title and an operation are shown.
    page.locator(".swagger-ui .info .title", has_text="Rakor API").wait_for()
    page.locator(".opblock-summary-path", has_text="/api/v1/commitments").first.wait_for()
    outside = [url for url in requested if not url.startswith(live_server) and not url.startswith("data:")]
    assert outside == [], outside
    assert any(url.endswith("/api/v1/openapi.json") for url in requested)
    assert any("/static/vendor/swagger-ui/" in url for url in requested)
    # The link to one's tokens is there (signed out: it leads to the sign-in page).
    page.locator("a[href$='/account/tokens']").click()
    page.wait_for_url(re.compile(r".*/login.*"))
