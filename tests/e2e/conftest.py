"""Browser journeys: Playwright (Python) driving Debian's chromium against the app served by a
werkzeug server in a thread, on its own SQLite database loaded with the demo data.

Where chromium or Playwright is missing, every journey is skipped and the run ends with a
notice saying so (never silently)."""
import os
import shutil
import tempfile
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import config
from rakor import create_app
from tests.e2e.outside_checkers import PageRecorder

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Every page the journeys are sent, for the outside checkers (tests/e2e/test_zz_outside_checkers.py).
PAGES = PageRecorder()
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def browser_unavailable_reason():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (make install)"
    return None


SKIP_REASON = browser_unavailable_reason()


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            # The live server commits to its own database: no rollback fixture around these.
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.committing)
            if SKIP_REASON:
                item.add_marker(pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {SKIP_REASON}"))


def _buffered(app):
    """The app with every response body read and its iterable closed before the first byte goes
    out. werkzeug's dev server leaves a static file's handle open when the browser drops the
    connection mid-response (it raises before reaching `close()`), which pytest reports as an
    unraisable ResourceWarning in whatever journey is running; buffering takes the file out of
    the socket's path, so a dropped connection has nothing left to close."""

    def wsgi(environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["args"] = (status, headers, exc_info)
            return lambda data: captured.setdefault("written", []).append(data)

        iterable = app(environ, capture)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        start_response(*captured["args"])
        return [b"".join(captured.get("written", [])) + body]

    return wsgi


@pytest.fixture(scope="session")
def _live():
    """(base URL, app) of the server in a thread; `live_server` and `live_app` expose them."""
    tmp = Path(tempfile.mkdtemp(prefix="rakor-e2e-"))

    class E2EConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp / 'e2e.db'}"
        UPLOAD_DIR = str(tmp / "uploads")
        DEMO_SIGNING_DIR = str(tmp / "demo-signing")
        WTF_CSRF_ENABLED = True  # the browser goes through the real forms
        PAGE_CACHE = "memory"  # one process: the meeting page is cached as in production

    app = create_app(E2EConfig)
    PAGES.init_app(app)
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base_url  # links in mails, QR codes and the demo's minutes
    with app.app_context():
        from flask_migrate import upgrade

        from rakor import demo
        from rakor.extensions import db

        upgrade()
        demo.load()
        db.session.commit()
        db.session.remove()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url, app
    if os.environ.get("RAKOR_KEEP_JOURNEY_PAGES"):  # to look at what the checkers checked
        import pickle

        Path(os.environ["RAKOR_KEEP_JOURNEY_PAGES"]).write_bytes(pickle.dumps(PAGES.pages))
    server.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def live_server(_live):
    """Base URL of the app served in a thread, on its own database loaded with the demo."""
    return _live[0]


@pytest.fixture(scope="session")
def recorded_pages(_live):
    """{(page kind, role): RecordedPage} the journeys have been sent so far."""
    return PAGES.pages


@pytest.fixture(scope="session")
def live_app(_live):
    """The live server's app, to prepare data in its database (`with live_app.app_context():`,
    then commit) and to check what a journey stored."""
    return _live[1]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


# Chromium logs every Content-Security-Policy refusal on the console; the DOM event also
# catches refusals it reports only there. Init scripts run outside the page's CSP.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
                + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def is_csp_violation(text):
    return text.startswith("CSP violation:") or "Content Security Policy" in text


@pytest.fixture
def csp_violations():
    """Every CSP refusal the journey's pages met; any left at the end fails the journey."""
    found = []
    yield found
    if found:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(found), pytrace=False)


@pytest.fixture
def new_context(browser, csp_violations):
    """`new_context(**options)`: a browser context (a person's browser) whose pages report every
    CSP refusal to `csp_violations`; journeys with several people open one each. Closed at the end."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "id-ID")
        context = browser.new_context(**options)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.on("console", lambda message: is_csp_violation(message.text) and csp_violations.append(
            f"{message.page.url if message.page else '?'}: {message.text}"))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context, request):
    page = new_context(accept_downloads=True).new_page()
    page.set_default_timeout(10000)
    yield page
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)


def login(page, base_url, email, password="Rakor-Demo-2024"):
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
