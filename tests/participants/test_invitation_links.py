"""The links page hands new links over: copy (a readonly input and a copy button), a WhatsApp
share link with the Indonesian message, e-mail to the contact (after commit, recorded in the
outbox, failed ones retryable), and all links as a CSV/XLSX file. Links exist in clear only on
that page, so e-mailing or downloading later posts them back and the server checks each token
against the stored hash."""
import csv
import io
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from rakor.extensions import db as _db
from rakor.mail.models import FAILED, SENT, OutboundMail
from rakor.participants import invitations as inv_service
from rakor.participants.models import Invitation
from tests.factories import make_quota

TOKEN_RE = re.compile(r"/i/([A-Za-z0-9_-]{43})\b")
PAIR_RE = re.compile(r'name="link" value="(\d+\.[A-Za-z0-9_-]{43})"')


@pytest.fixture
def outbox(app, monkeypatch):
    """What the locmem backend (TestConfig) delivered during the test."""
    state = app.extensions["mailman"]
    monkeypatch.setattr(state, "outbox", [], raising=False)
    return state.outbox


@pytest.fixture
def quotas(province_meeting):
    m, (a1, a2, a3) = province_meeting.meeting, province_meeting.agencies
    m.contact_name, m.contact_phone = "Bu Sari", "+6281234567890"
    for a, seats in ((a1, 2), (a2, 3), (a3, 1)):
        make_quota(m, a, seats=seats)
    return m, (a1, a2, a3)


def _links_page(client, m):
    response = client.post(f"/meetings/{m.id}/invitations/all")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    return response.get_data(as_text=True)


def test_every_link_has_copy_whatsapp_and_email_controls(client, login_as, quotas, outbox):
    m, agencies = quotas
    login_as("committee")
    html = _links_page(client, m)
    tokens = TOKEN_RE.findall(html)
    assert len(set(tokens)) == 3
    assert html.count('data-copy="link-') == 3 and html.count("data-select-on-click") == 3
    assert html.count("data-link-row") == 3 and "invitation_links.js" in html
    # The WhatsApp link carries the Indonesian message: meeting, date, place, seats and the link.
    wa = re.findall(r'href="(https://wa\.me/\?text=[^"]+)"', html)
    assert len(wa) == 3
    text = unquote(parse_qs(urlsplit(wa[0].replace("&amp;", "&")).query)["text"][0])
    assert m.title in text and "Aula Bappeda, Kotabaru" in text and "Tempat" in text
    assert "Kuota peserta" in text or "Kursi" in text
    assert any(f"/i/{t}" in text for t in tokens)
    assert re.search(r"(Senin|Selasa|Rabu|Kamis|Jumat|Sabtu|Minggu), \d{1,2} \w+ 20\d\d", text)
    assert "Bu Sari (0812-3456-7890)" in text
    assert outbox == []  # nothing is sent without asking


def test_send_by_email_with_a_typed_address_goes_out_after_commit(client, login_as, quotas, outbox):
    m, (a1, _a2, _a3) = quotas
    login_as("committee")
    html = _links_page(client, m)
    pairs = PAIR_RE.findall(html)
    first = next(p for p in pairs if _db.session.get(Invitation, int(p.split(".")[0])).agency_id == a1.id)
    inv_id = int(first.split(".")[0])
    response = client.post(f"/meetings/{m.id}/invitations/links/send",
                           data={"link": pairs, "send": str(inv_id), f"email-{inv_id}": "Rina@Bappeda-Uji.go.id"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    # The page comes back with all its links, the e-mailed one marked handed over.
    assert len(PAIR_RE.findall(page)) == 3 and 'data-status="sent"' in page
    row = _db.session.scalar(select(OutboundMail).where(OutboundMail.object_id == inv_id))
    assert row.status == SENT and row.to_address == "rina@bappeda-uji.go.id" and row.kind == "invitation_link"
    assert len(outbox) == 1 and outbox[0].to == ["rina@bappeda-uji.go.id"]
    token = first.split(".", 1)[1]
    assert f"/i/{token}" in outbox[0].body
    assert _db.session.get(Invitation, inv_id).contact_email == "rina@bappeda-uji.go.id"


def test_send_all_mails_only_links_with_an_address(client, login_as, quotas, outbox):
    m, (a1, a2, _a3) = quotas
    login_as("committee")
    inv_service.create_invitation(m, a1, contact_email="satu@bappeda-uji.go.id")
    inv_service.revoke_invitation(_db.session.scalar(select(Invitation).where(Invitation.agency_id == a1.id)))
    _db.session.commit()
    html = _links_page(client, m)  # a1's new link keeps the earlier contact
    client.post(f"/meetings/{m.id}/invitations/links/send", data={"link": PAIR_RE.findall(html), "send": "all"})
    assert [mail.to for mail in outbox] == [["satu@bappeda-uji.go.id"]]


def test_forged_or_stale_tokens_are_not_mailed_or_downloaded(client, login_as, quotas, outbox):
    m, (a1, _a2, _a3) = quotas
    login_as("committee")
    inv, token = inv_service.create_invitation(m, a1, contact_email="satu@bappeda-uji.go.id")
    _db.session.commit()
    forged = f"{inv.id}.{'A' * 43}"
    client.post(f"/meetings/{m.id}/invitations/links/send", data={"link": [forged], "send": "all"})
    assert outbox == [] and _db.session.scalar(select(OutboundMail.id)) is None
    response = client.post(f"/meetings/{m.id}/invitations/links/download", data={"link": [forged], "format": "csv"})
    assert response.status_code == 302
    # A genuine pair of a link revoked meanwhile is refused too.
    inv_service.revoke_invitation(inv)
    _db.session.commit()
    client.post(f"/meetings/{m.id}/invitations/links/send", data={"link": [f"{inv.id}.{token}"], "send": "all"})
    assert outbox == []


def test_download_all_links_as_csv_and_xlsx(client, login_as, quotas):
    m, agencies = quotas
    login_as("committee")
    html = _links_page(client, m)
    pairs = PAIR_RE.findall(html)
    response = client.post(f"/meetings/{m.id}/invitations/links/download", data={"link": pairs, "format": "csv"})
    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert "tautan-undangan" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert len(rows) == 4 and rows[0][0] == "Instansi"
    assert {r[0] for r in rows[1:]} == {a.name for a in agencies}
    assert all(TOKEN_RE.search(r[-1]) for r in rows[1:])
    response = client.post(f"/meetings/{m.id}/invitations/links/download", data={"link": pairs, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    links = [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(links) == 3 and all("/i/" in link for link in links)


def test_create_and_send_and_regenerate_and_send(client, login_as, quotas, outbox):
    m, (a1, _a2, _a3) = quotas
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/invitations", data={
        "agency_id": a1.id, "contact_name": "Ibu Rina", "contact_email": "rina@bappeda-uji.go.id", "send": "1"})
    assert response.status_code == 200
    first = TOKEN_RE.search(response.get_data(as_text=True)).group(1)
    assert len(outbox) == 1 and f"/i/{first}" in outbox[0].body
    # Without an address "create and send" says what is missing and creates nothing.
    response = client.post(f"/meetings/{m.id}/invitations", data={"agency_id": a1.id, "send": "1"})
    assert response.status_code == 422 and len(outbox) == 1
    listing = client.get(f"/meetings/{m.id}/invitations").get_data(as_text=True)
    inv = _db.session.scalar(select(Invitation).where(Invitation.agency_id == a1.id, Invitation.revoked_at.is_(None)))
    assert "regenerate-send" in listing
    response = client.post(f"/meetings/{m.id}/invitations/{inv.id}/regenerate", data={"send": "1"})
    second = TOKEN_RE.search(response.get_data(as_text=True)).group(1)
    assert second != first and len(outbox) == 2 and f"/i/{second}" in outbox[1].body
    assert client.get(f"/i/{first}").status_code == 410


def test_failed_link_mails_are_listed_with_a_retry_button(client, login_as, quotas, outbox, monkeypatch):
    m, (a1, _a2, _a3) = quotas
    login_as("committee")
    from rakor.mail import transport

    monkeypatch.setattr(transport, "deliver", lambda rows: {row.id: "connection refused" for row in rows})
    response = client.post(f"/meetings/{m.id}/invitations", data={
        "agency_id": a1.id, "contact_email": "rina@bappeda-uji.go.id", "send": "1"})
    html = response.get_data(as_text=True)
    row = _db.session.scalar(select(OutboundMail))
    assert row.status == FAILED and 'data-status="failed"' in html
    for page in (html, client.get(f"/meetings/{m.id}/invitations").get_data(as_text=True)):
        assert f'action="/mail/{row.id}/retry"' in page
        assert f'name="next" value="/meetings/{m.id}/invitations"' in page and "connection refused" in page
    monkeypatch.undo()
    response = client.post(f"/mail/{row.id}/retry", data={"next": f"/meetings/{m.id}/invitations"})
    assert response.status_code == 302
    _db.session.expire_all()
    assert _db.session.get(OutboundMail, row.id).status == SENT


def test_links_pages_are_for_the_committee(client, login_as, quotas):
    m, _agencies = quotas
    for role in ("delegate", "leadership"):
        login_as(role)
        assert client.post(f"/meetings/{m.id}/invitations/links/send", data={"send": "all"}).status_code == 403
        assert client.post(f"/meetings/{m.id}/invitations/links/download",
                           data={"format": "csv"}).status_code == 403
