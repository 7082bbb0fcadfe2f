"""The outside checkers on every page the browser journeys visit (issue 19 items 1 and 2).

While the journeys run, the live server keeps the first HTML page it sends for each page kind
(the path with ids and tokens as placeholders) and role (`PageRecorder`). After the journeys,
`test_zz_outside_checkers.py` checks each kept page once:

- vnu.jar (the Nu HTML Checker) on the exact HTML sent: 0 errors;
- axe-core in chromium at 1366 and 390 px: the kept HTML is served again at its own address
  (Playwright's route.fulfill; its CSS, scripts and images come from the live server), so the
  page is checked as the journey's user saw it, without signing in again: 0 serious and 0
  critical violations.

Both come from npm (tests/checkers/package.json, `make checkers`); axe is injected from that
folder, never from a CDN. Where npm's files, java or chromium are missing the checks are
skipped with a visible notice.
"""
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

CHECKERS = Path(__file__).resolve().parents[1] / "checkers" / "node_modules"
AXE_JS = CHECKERS / "axe-core" / "axe.min.js"
VNU_JAR = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = (1366, 390)
SERIOUS = ("serious", "critical")


def axe_missing_reason():
    if not AXE_JS.is_file():
        return f"axe-core not installed ({AXE_JS}; run `make checkers`, needs npm)"
    return None


def vnu_missing_reason():
    if not VNU_JAR.is_file():
        return f"vnu.jar not installed ({VNU_JAR}; run `make checkers`, needs npm)"
    if shutil.which("java") is None:
        return "java not found (apt-get install default-jre-headless)"
    return None


_ID = re.compile(r"/\d+(?=/|$)")
_TOKEN = re.compile(r"/(?=[^/]*[0-9A-Z])[A-Za-z0-9_-]{10,}(?=/|$)")  # invitation, ticket, verification codes


def page_kind(path: str, query: str) -> str:
    """'/meetings/12/participants?status=all' -> '/meetings/{n}/participants?status'."""
    kind = _TOKEN.sub("/{token}", _ID.sub("/{n}", path))
    keys = sorted({part.split("=", 1)[0] for part in query.split("&") if part})
    return kind + ("?" + "&".join(keys) if keys else "")


@dataclass
class RecordedPage:
    url: str
    role: str
    html: str


class PageRecorder:
    """Keeps the first full HTML page per (page kind, role) the live server sends."""

    def __init__(self):
        self.pages: dict[tuple[str, str], RecordedPage] = {}
        self._lock = threading.Lock()

    def init_app(self, app):
        from flask import request
        from flask_login import current_user

        @app.after_request
        def record(response):
            if (request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
                    and not response.direct_passthrough and request.args.get("fragment") is None):
                html = response.get_data(as_text=True)
                if html.lstrip().lower().startswith("<!doctype html"):
                    role = getattr(current_user, "role", None) or "anonymous"
                    key = (page_kind(request.path, request.query_string.decode()), role)
                    with self._lock:
                        self.pages.setdefault(key, RecordedPage(request.url, role, html))
            return response
