"""Browser journeys of the check-in desk when the venue's connection drops (issue 23), with
Playwright's `context.set_offline(True)` in Debian's chromium on http://127.0.0.1 (a secure
context, so the service worker and IndexedDB work as on https).

The camera cannot be faked in headless chromium: a badge "scan" dispatches the decoded text as
the `rakor:badge-read` event, which is exactly what the camera's callback does (checkin.js)."""
import subprocess
import uuid
from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import login
from tests.e2e.test_journey_checkin_desk import _meeting_of_today


def _absent(live_app, meeting_id, n):
    """(name, badge code) of n registered participants not yet present, by name."""
    from rakor.extensions import db
    from rakor.participants.models import Participant

    with live_app.app_context():
        rows = db.session.execute(
            select(Participant.name, Participant.checkin_code)
            .where(Participant.meeting_id == meeting_id, Participant.status == "registered",
                   Participant.checked_in_at.is_(None))
            .order_by(Participant.sort_name, Participant.id)).all()
        db.session.remove()
    return rows[:n]


def _state(live_app, meeting_id):
    """{name: checked_in_at} of the present, and the offline marks stored for the meeting."""
    from rakor.extensions import db
    from rakor.participants.models import CheckinMark, Participant

    with live_app.app_context():
        present = dict(db.session.execute(
            select(Participant.name, Participant.checked_in_at)
            .where(Participant.meeting_id == meeting_id, Participant.status == "registered",
                   Participant.checked_in_at.is_not(None))).all())
        marks = db.session.scalars(select(CheckinMark).where(CheckinMark.meeting_id == meeting_id,
                                                             CheckinMark.source == "offline")).all()
        db.session.expunge_all()
        db.session.remove()
    return present, marks


def _open_desk(context, live_server, meeting_id, email="panitia@demo.rakor.id"):
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, live_server, email)
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/meetings/{meeting_id}/checkin")
    expect(page.locator("#desk-readiness")).to_have_attribute("data-ready", "1")
    return page


def _pending(page):
    return page.locator("#desk-pending")


def _check_in_by_name(page, name):
    search = page.locator("#checkin-search")
    search.fill(name)
    row = page.locator(".checkin-row", has_text=name).first
    row.locator("button.checkin-button").click()
    expect(row.locator(".checkin-present")).to_be_visible()


def _walk_in(page, name, agency_index=1, position=""):
    details = page.locator("#checkin-walk-in")
    if details.get_attribute("open") is None:
        page.locator("#checkin-walk-in summary").click()
    page.fill("#walk-in-form #name", name)
    page.locator("#walk-in-form #agency_id").select_option(index=agency_index)
    page.fill("#walk-in-form #position", position)
    page.click("#walk-in-submit")


def _pdf_text(page, url):
    response = page.request.get(url)
    assert response.ok, response.status
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.body(), capture_output=True, check=True)
    return result.stdout.decode()


def test_offline_desk_checks_in_queues_survives_reload_and_syncs(new_context, live_server, live_app):
    meeting_id = _meeting_of_today(live_app)
    context = new_context()
    page = _open_desk(context, live_server, meeting_id)
    absent = _absent(live_app, meeting_id, 12)
    to_check = [name for name, _code in absent[:10]]
    scanned_name, scanned_code = absent[10]
    before, _ = _state(live_app, meeting_id)

    context.set_offline(True)
    expect(page.locator("#desk-connection")).to_have_text("Luring")
    for i, name in enumerate(to_check, start=1):
        _check_in_by_name(page, name)
        expect(_pending(page)).to_have_text(str(i))
    # A mistaken tap: undone before it ever left the device, so it is taken back from the queue.
    undone = to_check[3]
    page.locator("#checkin-search").fill(undone)
    row = page.locator(".checkin-row", has_text=undone).first
    row.locator("button.checkin-undo").click()
    expect(row.locator("button.checkin-button")).to_be_visible()
    expect(_pending(page)).to_have_text("9")
    _walk_in(page, "Dra. Hj. Tamu Luring Satu, M.Si.", 1, "Kepala Sub Bagian Umum")
    expect(_pending(page)).to_have_text("10")
    _walk_in(page, "Tamu Luring Dua", 2)
    expect(_pending(page)).to_have_text("11")
    page.evaluate("code => document.dispatchEvent(new CustomEvent('rakor:badge-read', "
                  "{detail: location.origin + '/c/' + code}))", scanned_code)
    expect(_pending(page)).to_have_text("12")

    # The tab reloads with no network: the service worker serves the desk, the queue is there.
    page.reload()
    expect(page.locator("#desk-connection")).to_have_text("Luring")
    expect(_pending(page)).to_have_text("12")
    page.locator("#checkin-search").fill("Tamu Luring")
    expect(page.locator(".checkin-row .desk-waiting")).to_have_count(2)

    # Online again: sent automatically or with the button; every mark is answered.
    context.set_offline(False)
    page.locator("#desk-sync-now").click()
    expect(_pending(page)).to_have_text("0")
    expect(page.locator("#desk-sync-report .desk-answer")).to_have_count(12)
    expect(page.locator("#desk-connection")).to_have_text("Daring")

    present, marks = _state(live_app, meeting_id)
    new = {name: at for name, at in present.items() if name not in before}
    expected = {*[n for n in to_check if n != undone], scanned_name,
                "Dra. Hj. Tamu Luring Satu, M.Si.", "Tamu Luring Dua"}
    assert set(new) == expected
    assert len(marks) == 12
    by_participant = {}
    for mark in marks:
        assert mark.outcome in ("accepted", "flagged"), (mark.outcome, mark.reasons)
        assert mark.device_at is not None and mark.gap_seconds >= 0
        by_participant.setdefault(mark.participant_id, mark)
    # The desk's times, not the sync's: each check-in is the time its mark was made.
    for mark in marks:
        assert mark.at == mark.device_at
    assert sorted(new.values()) == sorted(m.at for m in marks)
    assert max(m.received_at for m in marks) - min(m.at for m in marks) > timedelta(0)

    # The daftar hadir lists them with the desk's times.
    text = _pdf_text(page, f"{live_server}/meetings/{meeting_id}/documents/attendance.pdf")
    # Both walk-ins are printed (the long name wraps in its column since the phone column came).
    assert "Tamu Luring Dua" in text and "Dra. Hj. Tamu Luring" in text
    from rakor.core.formatting import format_time
    for mark in marks:
        assert f"hadir {format_time(mark.at, 'Asia/Makassar', locale='id')}" in text


def _second_committee_member(live_app):
    from rakor.auth.models import User
    from rakor.auth.services import create_user
    from rakor.extensions import db

    email = f"panitia.meja2.{uuid.uuid4().hex[:6]}@demo.rakor.id"
    with live_app.app_context():
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            create_user(email=email, name="Panitia Meja Dua", role="committee", password="Rakor-Demo-2024")
            db.session.commit()
        db.session.remove()
    return email


def test_two_desks_offline_count_everyone_once_and_flag_the_double_walk_in(new_context, live_server, live_app):
    meeting_id = _meeting_of_today(live_app)
    desk_a = _open_desk(new_context(), live_server, meeting_id)
    desk_b = _open_desk(new_context(), live_server, meeting_id, _second_committee_member(live_app))
    absent = [name for name, _code in _absent(live_app, meeting_id, 6)]
    before, _ = _state(live_app, meeting_id)
    # One already present before the drop: desk B will undo that check-in offline.
    already = sorted(before)[0]

    desk_a.context.set_offline(True)
    desk_b.context.set_offline(True)
    for name in absent[2:6]:  # desk B: four people
        _check_in_by_name(desk_b, name)
    desk_b.locator("#checkin-search").fill(already)
    desk_b.locator(".checkin-row", has_text=already).first.locator("button.checkin-undo").click()
    _walk_in(desk_b, "Tamu Dua Meja", 1)
    for name in absent[:4]:  # desk A, a little later: four, two of them B's (queued twice)
        _check_in_by_name(desk_a, name)
    _walk_in(desk_a, "H. Tamu Dua Meja, S.E.", 1)  # the same guest, typed with titles at the other desk
    expect(_pending(desk_a)).to_have_text("5")
    expect(_pending(desk_b)).to_have_text("6")

    for desk in (desk_b, desk_a):
        desk.context.set_offline(False)
        desk.locator("#desk-sync-now").click()
        expect(_pending(desk)).to_have_text("0")
    expect(desk_a.locator("#desk-sync-report .desk-answer-merged")).to_have_count(2)
    # The guest's agency had filled its quota: registered all the same, flagged on desk B.
    expect(desk_b.locator("#desk-sync-report .desk-answer-flagged")).to_have_count(1)
    assert "melebihi kuota" in desk_b.locator("#desk-sync-report .desk-answer-flagged").inner_text()
    expect(desk_a.locator("#desk-sync-report .desk-answer-flagged")).to_have_count(1)
    assert "kemungkinan orang yang sama" in desk_a.locator("#desk-sync-report .desk-answer-flagged").inner_text()

    present, marks = _state(live_app, meeting_id)
    new = set(present) - set(before)
    assert new == {*absent, "Tamu Dua Meja"}  # six delegates and one guest, each once
    assert already not in present
    assert len(present) == len(before) + 7 - 1
    assert len(marks) == 11  # nothing lost: every mark of both desks is in the history
    assert sorted(m.outcome for m in marks) == ["accepted"] * 7 + ["flagged"] * 2 + ["merged"] * 2
    duplicate = next(m for m in marks if "probable_duplicate" in (m.reasons or ""))
    assert duplicate.payload["name"] == "H. Tamu Dua Meja, S.E."
    # The two people both desks checked in keep the earlier mark (desk A's: it tapped first).
    merged = [m for m in marks if m.outcome == "merged"]
    for m in merged:
        kept = [k for k in marks if k.participant_id == m.participant_id and k.outcome == "accepted"]
        assert len(kept) == 1 and kept[0].at < m.at and kept[0].desk_user_id != m.desk_user_id
    # The committee sees the flag.
    desk_a.goto(f"{live_server}/meetings/{meeting_id}/checkin/marks")
    expect(desk_a.locator("#desk-flags .desk-flag-flagged")).to_have_count(2)


def test_a_delegates_browser_offline_gets_a_clear_page_not_the_desk(new_context, live_server, live_app):
    """A shared laptop: the committee used the desk, signed out; a delegate signs in on it and
    the connection drops. The desk's copy went with the sign-out: the worker shows its offline
    page. A delegate's own browser never gets the desk or its roster at all."""
    meeting_id = _meeting_of_today(live_app)
    context = new_context()
    page = _open_desk(context, live_server, meeting_id)
    page.click("#user-menu")
    page.click("#logout")
    page.wait_for_url(f"{live_server}/login")
    expect(page.locator("html")).to_have_attribute("data-desk-cleared", "1")
    login(page, live_server, "delegasi.kotabaru@demo.rakor.id")
    page.wait_for_url(f"{live_server}/")
    assert page.request.get(f"{live_server}/meetings/{meeting_id}/checkin/roster.json",
                            max_redirects=0).status == 403
    context.set_offline(True)
    page.goto(f"{live_server}/meetings/{meeting_id}/checkin")
    expect(page.locator("#desk-offline-page")).to_be_visible()
    assert page.locator("#checkin-list").count() == 0
    rosters = page.evaluate("""() => new Promise(resolve => {
        const req = indexedDB.open('rakor-desk', 1);
        req.onsuccess = () => { const r = req.result.transaction('rosters').objectStore('rosters').count();
                                r.onsuccess = () => resolve(r.result); };
    })""")
    assert rosters == 0
    assert page.evaluate("caches.keys()") == ["rakor-shell"]

    # A delegate's own browser: the desk is refused online and nothing is registered for offline.
    own = new_context().new_page()
    login(own, live_server, "delegasi.kotabaru@demo.rakor.id")
    own.wait_for_url(f"{live_server}/")
    assert own.goto(f"{live_server}/meetings/{meeting_id}/checkin").status == 403
    assert own.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0


COUNT_ROSTERS = """() => new Promise(resolve => {
    const req = indexedDB.open('rakor-desk', 1);
    req.onsuccess = () => { const r = req.result.transaction('rosters').objectStore('rosters').count();
                            r.onsuccess = () => resolve(r.result); };
})"""


def test_the_desks_copy_goes_after_the_meeting_day(new_context, live_server, live_app):
    meeting_id = _meeting_of_today(live_app)
    page = _open_desk(new_context(), live_server, meeting_id)
    assert page.evaluate(COUNT_ROSTERS) == 1
    assert f"rakor-desk-{meeting_id}" in page.evaluate("caches.keys()")
    # The clock moves past the meeting's day (the copy's end date is set back instead).
    page.evaluate("""id => new Promise(resolve => {
        const req = indexedDB.open('rakor-desk', 1);
        req.onsuccess = () => {
            const store = req.result.transaction('rosters', 'readwrite').objectStore('rosters');
            const get = store.get(id);
            get.onsuccess = () => { const r = get.result; r.expiresAt = Date.now() - 1000;
                                    store.put(r).onsuccess = () => resolve(); };
        };
    })""", meeting_id)
    page.goto(f"{live_server}/")
    expect(page.locator("html")).to_have_attribute("data-desk-cleared", "1")
    assert page.evaluate(COUNT_ROSTERS) == 0
    assert f"rakor-desk-{meeting_id}" not in page.evaluate("caches.keys()")
