"""Browser journey "baseline upload" (issue 18, major finding 3): the admin goes from the
indicators page to the baseline values, uploads a CSV in the format of `flask indicators load`,
reads the preview, confirms, finds the values in the table, and corrects one of them.

Stable selectors: #link-baselines, #baselines-import, input#file, #import-preview-button,
#import-rows, #import-confirm-button, #baselines, #filter-indicator, #baseline-form."""
from tests.e2e.conftest import login


def test_the_admin_uploads_baselines_sees_the_preview_and_corrects_a_value(page, live_server, tmp_path):
    path = tmp_path / "nilai-dasar-bps.csv"
    # Kemendagri and BPS codes, a decimal comma, a year the demo has no value for.
    path.write_text("kode wilayah;kode indikator;tahun;nilai;sumber\n"
                    "63.02;KEMISKINAN;2019;4,98;BPS Kalsel 2019\n"
                    "6303;KEMISKINAN;2019;4,51;BPS Kalsel 2019\n"
                    "63.72;STUNTING;2019;26,4;SSGI 2019\n", encoding="utf-8")
    login(page, live_server, "admin@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    page.click("#nav-indicators")
    assert "baris perintah" not in page.inner_text("main")
    page.click("#link-baselines")
    page.wait_for_selector("#baselines")
    page.click("#baselines-import")
    page.set_input_files("input#file", str(path))
    page.click("#import-preview-button")
    page.wait_for_selector("#import-rows")
    rows = page.locator("#import-rows tbody tr")
    assert rows.count() == 3
    assert page.locator('#import-rows tr[data-action="create"][data-status="ok"]').count() == 3
    assert "Kabupaten Kotabaru" in page.inner_text("#import-rows")  # the region found by its code
    page.click("#import-confirm-button")
    page.wait_for_selector("#baselines")
    assert "3 baru" in page.inner_text("main")
    page.select_option("#filter-year", "2019")
    page.click("#baselines-filter button")
    page.wait_for_url("**year=2019**")
    table = page.locator("#baselines tbody tr")
    assert table.count() == 3
    assert table.nth(0).get_attribute("data-region") == "63.02"  # region-code order
    assert "4,98" in table.nth(0).inner_text() and "26,4" in page.inner_text("#baselines")
    table.nth(0).locator("a").click()
    page.wait_for_selector("#baseline-form")
    page.fill("#baseline-form [name=value]", "empat")
    page.click("#baseline-form button")
    assert page.locator("#baseline-form .invalid-feedback").count() == 1
    assert page.input_value("#baseline-form [name=value]") == "empat"  # what was typed stays
    page.fill("#baseline-form [name=value]", "4,87")
    page.click("#baseline-form button")
    page.wait_for_url("**year=2019**")
    assert "4,87" in page.locator('#baselines tr[data-region="63.02"]').inner_text()
