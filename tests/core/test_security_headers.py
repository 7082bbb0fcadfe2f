"""Security headers on every page, as each role sees it, and templates that the CSP allows."""
import io
import re
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from rakor.core.security import CONTENT_SECURITY_POLICY
from tests.factories import (
    make_agency,
    make_agenda_item,
    make_meeting,
    make_participant,
    make_quota,
    make_user,
)

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# What CSP without 'unsafe-inline' refuses: inline <script>, on*= handlers, style attributes,
# <style> blocks, javascript: URLs.
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style[\s>]|javascript:",
                    re.IGNORECASE)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_the_policy_is_the_one_asked_for():
    assert CONTENT_SECURITY_POLICY == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


# E-mail bodies (templates/mail/) are read in mail clients, which ignore stylesheets and are not
# under the site's CSP: they carry their styles inline on purpose.
PAGE_TEMPLATES = sorted(p.relative_to(ROOT / "templates").as_posix()
                        for p in (ROOT / "templates").rglob("*.html")
                        if p.relative_to(ROOT / "templates").parts[0] != "mail")


@pytest.mark.parametrize("template", PAGE_TEMPLATES)
def test_templates_have_nothing_inline_that_the_csp_refuses(template):
    text = (ROOT / "templates" / template).read_text(encoding="utf-8")
    assert INLINE.findall(text) == []


@pytest.fixture
def objects(db):
    """One of everything a URL can name, so the walk reaches real pages rather than 404s."""
    from rakor.meetings import materials

    agency = make_agency()
    meeting = make_meeting(organizer=agency, description="Baris satu\nBaris dua")
    make_quota(meeting, agency)
    item = make_agenda_item(meeting, description="Uraian\nbaris dua", conclusions="Simpulan")
    participant = make_participant(meeting, agency)
    material = materials.add_material(meeting, io.BytesIO(PDF), "paparan.pdf")
    user = make_user(role="committee")
    db.session.commit()
    return {"meeting_id": meeting.id, "item_id": item.id, "participant_id": participant.id,
            "material_id": material.id, "user_id": user.id, "agency_id": agency.id,
            "code": participant.checkin_code, "token": "no-such-token", "fmt": "csv"}


def get_urls(app, values):
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in ("static", "bootstrap.static"):
                continue
            args = {a: values.get(a, 1 if isinstance(rule._converters[a], IntegerConverter) else "x")
                    for a in rule.arguments}
            urls.append((rule.endpoint, rule.build(args, append_unknown=False)[1]))
    urls += [("static", "/static/css/rakor.css"), ("static", "/static/js/rakor.js"),
             ("bootstrap.static", "/bootstrap/static/css/bootstrap.min.css"), ("-", "/no/such/page")]
    return urls


@pytest.mark.parametrize("role", [None, "admin", "committee", "delegate", "leadership"])
def test_every_get_page_carries_the_security_headers(app, client, login_as, objects, role):
    if role:
        login_as(role)
    problems = []
    for endpoint, url in get_urls(app, objects):
        with client.get(url) as response:
            body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        headers = response.headers
        for name, value in EXPECTED.items():
            if endpoint == "meetings.material_download" and name == "Content-Security-Policy":
                continue  # checked below: its own stricter policy
            if name == "Referrer-Policy" and headers.get(name) == "no-referrer":
                continue  # invitation pages: stricter, their token is in the URL
            if headers.get(name) != value:
                problems.append(f"{url} ({response.status_code}): {name}={headers.get(name)!r}")
        if "camera=(self)" not in headers.get("Permissions-Policy", ""):
            problems.append(f"{url}: Permissions-Policy={headers.get('Permissions-Policy')!r}")
        if "Strict-Transport-Security" in headers:
            problems.append(f"{url}: HSTS outside production")
        inline = INLINE.findall(body)
        if inline:
            problems.append(f"{url}: inline {inline[:3]}")
    assert problems == []


def test_a_download_keeps_its_stricter_policy(client, login_as, objects):
    login_as("committee")
    with client.get(f"/meetings/{objects['meeting_id']}/materials/{objects['material_id']}") as response:
        assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers.getlist("Content-Security-Policy") == ["default-src 'none'; sandbox"]


def test_hsts_only_in_production(app, client, monkeypatch):
    import config

    assert config.Config.HSTS is None and config.ProductionConfig.HSTS.startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/login").headers
    monkeypatch.setitem(app.config, "HSTS", config.ProductionConfig.HSTS)
    assert client.get("/login").headers["Strict-Transport-Security"] == config.ProductionConfig.HSTS


def test_error_pages_carry_the_headers_too(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "0 per minute")
    for response in (client.get("/no/such/page"), client.post("/logout")):
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Frame-Options"] == "DENY"
