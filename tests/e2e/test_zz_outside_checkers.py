"""axe-core and the Nu HTML Checker on every page the journeys visited, for every role that saw
it (issue 19 items 1 and 2; how: tests/e2e/outside_checkers.py). Named to run after the
journeys, whose pages it checks."""
import json
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.e2e.outside_checkers import (
    AXE_JS,
    SERIOUS,
    VNU_JAR,
    WIDTHS,
    axe_missing_reason,
    vnu_missing_reason,
)


def _pages_or_skip(recorded_pages):
    if not recorded_pages:
        pytest.skip("OUTSIDE CHECKERS SKIPPED: no journey pages were recorded (run them with the journeys: "
                    "pytest tests/e2e)")
    return sorted(recorded_pages.items())


def test_every_journey_page_is_valid_html(recorded_pages):
    reason = vnu_missing_reason()
    if reason:
        pytest.skip(f"HTML CHECK (vnu) SKIPPED: {reason}")
    pages = _pages_or_skip(recorded_pages)
    with tempfile.TemporaryDirectory(prefix="rakor-vnu-") as tmp:
        files = {}
        for n, (key, page) in enumerate(pages):
            path = Path(tmp) / f"page{n}.html"
            path.write_text(page.html, encoding="utf-8")
            files[path.resolve().as_uri().replace("file:///", "file:/")] = key
        result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                                 "--exit-zero-always", *sorted(str(Path(tmp) / p) for p in Path(tmp).iterdir())],
                                capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{files.get(m.get('url'), m.get('url'))}: line {m.get('lastLine')}: {m['message']} "
              f"[{m.get('extract', '').strip()[:80]}]" for m in messages if m["type"] in ("error", "fatal")
              or m.get("subType") == "fatal"]
    assert not errors, f"{len(errors)} vnu errors on {len(pages)} pages:\n" + "\n".join(errors)


def _serve(html):
    """A route handler that answers with the kept page (its static files come from the server)."""
    def fulfill(route):
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
    return fulfill


@pytest.mark.parametrize("width", WIDTHS)
def test_every_journey_page_has_no_serious_accessibility_violation(browser, recorded_pages, width):
    reason = axe_missing_reason()
    if reason:
        pytest.skip(f"ACCESSIBILITY CHECK (axe) SKIPPED: {reason}")
    pages = _pages_or_skip(recorded_pages)
    axe = AXE_JS.read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="id-ID")
    found = []
    try:
        for key, recorded in pages:
            page = context.new_page()
            page.route(lambda url, wanted=recorded.url: url == wanted, _serve(recorded.html))
            page.goto(recorded.url, wait_until="load")
            page.evaluate(axe)  # from tests/checkers/node_modules, never a CDN
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
                " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 4), count: v.nodes.length}))")
            found += [f"{key[0]} as {key[1]}: {v['impact']} {v['id']} ({v['help']}) x{v['count']}: {v['nodes']}"
                      for v in violations if v["impact"] in SERIOUS]
            page.close()
    finally:
        context.close()
    assert not found, f"{len(found)} serious/critical axe violations at {width} px on {len(pages)} pages:\n" + \
        "\n".join(found)
