"""Minutes pages: who may write, read, finalise and download; what bad input does."""
import hashlib

from rakor.extensions import db
from rakor.minutes import content, documents, queries, services
from tests.minutes.conftest import body


def html_of(response):
    return response.get_data(as_text=True)


def _fields(mm, **overrides):
    data = {"expected_revision_id": "", "opening": "Rapat dibuka.", "conclusions": "", "closing": ""}
    for item in mm.items:
        data[f"item_{item.id}_discussion"] = ""
        data[f"item_{item.id}_conclusions"] = ""
    data.update(overrides)
    return data


def _final(mm):
    draft = services.save(mm.meeting, body(), mm.committee, None)
    final = services.finalise(mm.meeting, mm.committee, draft.id, lambda code: f"http://localhost/v/{code}")
    documents.publish_final_pdf(mm.meeting, final)
    db.session.commit()
    return final


def test_the_minute_taker_writes_notes_per_agenda_item_previews_and_saves(client, mm, login_as):
    login_as("committee")
    url = f"/meetings/{mm.meeting.id}/minutes/edit"
    page = html_of(client.get(url))
    assert f'name="item_{mm.items[0].id}_discussion"' in page and "minutes/autosave.js" in page
    first = f"item_{mm.items[0].id}_discussion"
    data = _fields(mm, **{first: "**Dibahas** data BPS 2023.", "preview": "1"})
    page = html_of(client.post(url, data=data))
    assert "<strong>Dibahas</strong> data BPS 2023." in page and 'id="minutes-preview"' in page
    assert page.index('id="minutes-preview"') < page.index('id="minutes-form"')  # not below a long form
    assert queries.minutes_of(mm.meeting.id) is None  # a preview saves nothing
    data.pop("preview")
    response = client.post(url, data=data)
    assert response.status_code == 302
    page = html_of(client.get(url))
    assert "Notulen disimpan (versi 1, draf)." in page
    # Saving the same text again makes no revision.
    data["expected_revision_id"] = str(queries.current_revision(mm.meeting.id).id)
    page = html_of(client.post(url, data=data, follow_redirects=True))
    assert "Tidak ada perubahan" in page and len(queries.history(mm.meeting.id)) == 1


def test_a_concurrent_save_warns_and_keeps_the_text(client, mm, login_as):
    login_as("committee")
    first = services.save(mm.meeting, body(), mm.committee, None)
    services.save(mm.meeting, body(opening="Versi rekan."), mm.leadership, first.id)
    db.session.commit()
    url = f"/meetings/{mm.meeting.id}/minutes/edit"
    page = html_of(client.post(url, data=_fields(mm, expected_revision_id=str(first.id), opening="Versi saya.")))
    assert 'id="minutes-conflict"' in page and "Pimpinan Uji" in page
    assert "Versi saya." in page  # what the user typed is still in the form
    assert len(queries.history(mm.meeting.id)) == 2


def test_script_injection_does_not_run_in_the_page_nor_break_the_pdf(client, mm, login_as):
    login_as("committee")
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)><iframe src=//evil></iframe> **ok**"
    client.post(f"/meetings/{mm.meeting.id}/minutes/edit",
                data=_fields(mm, opening=evil, **{f"item_{mm.items[0].id}_conclusions": "</textarea><b>x"}))
    page = html_of(client.get(f"/meetings/{mm.meeting.id}/minutes"))
    assert "<script>alert" not in page and "onerror" not in page and "<iframe" not in page
    assert "<strong>ok</strong>" in page
    edit = html_of(client.get(f"/meetings/{mm.meeting.id}/minutes/edit"))
    assert "&lt;/textarea&gt;&lt;b&gt;x" in edit  # escaped inside its textarea
    pdf = client.get(f"/meetings/{mm.meeting.id}/minutes/draft.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    screen = html_of(client.get(f"/meetings/{mm.meeting.id}/minutes/document"))  # same template on screen
    assert "NOTULEN RAPAT" in screen and 'class="watermark"' in screen and "<strong>ok</strong>" in screen
    assert "<script>alert" not in screen and "onerror" not in screen


def test_a_5_mb_paste_is_refused_with_a_clear_page_and_a_long_section_with_a_message(client, mm, login_as):
    login_as("committee")
    url = f"/meetings/{mm.meeting.id}/minutes/edit"
    response = client.post(url, data=_fields(mm, opening="a" * (5 * 1024 * 1024)))
    assert response.status_code == 413
    page = html_of(response)
    assert "jauh lebih besar" in page and "50.000" in page and "tidak ada yang hilang" in page
    too_long = "b" * (content.MAX_SECTION_CHARS + 10)
    response = client.post(url, data=_fields(mm, closing=too_long))
    page = html_of(response)
    assert response.status_code == 200 and "Paling banyak 50000 karakter per bagian" in page
    assert too_long in page  # kept in the form
    assert queries.minutes_of(mm.meeting.id) is None


def test_a_delegate_cannot_write_or_finalise_and_sees_only_final_minutes(client, mm, login_as):
    login_as("delegate", agency=mm.agencies[0])
    services.save(mm.meeting, body(opening="Draf rahasia"), mm.committee, None)
    db.session.commit()
    assert client.get(f"/meetings/{mm.meeting.id}/minutes/edit").status_code == 403
    assert client.post(f"/meetings/{mm.meeting.id}/minutes/edit", data=_fields(mm)).status_code == 403
    assert client.post(f"/meetings/{mm.meeting.id}/minutes/finalise").status_code == 403
    assert client.get(f"/meetings/{mm.meeting.id}/minutes/draft.pdf").status_code == 403
    page = html_of(client.get(f"/meetings/{mm.meeting.id}/minutes"))
    assert "Draf rahasia" not in page and "belum final" in page
    assert client.get(f"/meetings/{mm.meeting.id}/minutes/document").status_code == 404
    assert client.get(f"/meetings/{mm.meeting.id}/documents/minutes.pdf").status_code == 403


def test_finalising_needs_a_held_meeting_and_the_chair_or_committee(client, mm, login_as):
    draft = services.save(mm.meeting, body(), mm.committee, None)
    mm.meeting.status = "scheduled"
    db.session.commit()
    login_as("committee")
    page = html_of(client.post(f"/meetings/{mm.meeting.id}/minutes/finalise",
                               data={"expected_revision_id": draft.id}, follow_redirects=True))
    assert client.post(f"/meetings/{mm.meeting.id}/minutes/finalise",
                       data={"expected_revision_id": draft.id}).status_code == 403  # rule: held only
    mm.meeting.status = "held"
    db.session.commit()
    login_as("leadership")
    page = html_of(client.post(f"/meetings/{mm.meeting.id}/minutes/finalise",
                               data={"expected_revision_id": draft.id}, follow_redirects=True))
    assert "Notulen versi 1 sudah final" in page
    db.session.refresh(mm.meeting)
    assert mm.meeting.status == "minutes_final"
    stored = queries.stored_pdf(draft.id)
    assert stored is not None and hashlib.sha256(stored.content).hexdigest() == stored.sha256
    # A second click (a stale page) changes nothing.
    page = html_of(client.post(f"/meetings/{mm.meeting.id}/minutes/finalise",
                               data={"expected_revision_id": draft.id}, follow_redirects=True))
    assert "sudah final" in page and len(queries.history(mm.meeting.id)) == 1


def test_the_final_pdf_is_served_byte_identical_with_etag_and_304(client, mm, login_as):
    final = _final(mm)
    login_as("leadership")
    first = client.get(f"/meetings/{mm.meeting.id}/minutes.pdf")
    assert first.status_code == 200 and first.mimetype == "application/pdf"
    etag = first.headers["ETag"].strip('"')
    assert etag == hashlib.sha256(first.data).hexdigest() == queries.stored_hash(final.id)
    assert "attachment" in first.headers["Content-Disposition"] and "notulen-v1-2024-02-01" in first.headers["Content-Disposition"]
    again = client.get(f"/meetings/{mm.meeting.id}/minutes.pdf")
    assert again.data == first.data
    cached = client.get(f"/meetings/{mm.meeting.id}/minutes.pdf", headers={"If-None-Match": f'"{etag}"'})
    assert cached.status_code == 304 and cached.data == b""
    assert client.get(f"/meetings/{mm.meeting.id}/minutes/v1.pdf").data == first.data
    assert client.get(f"/meetings/{mm.meeting.id}/minutes/v2.pdf").status_code == 404
    # The generic document route and the document list serve the same stored file.
    assert client.get(f"/meetings/{mm.meeting.id}/documents/minutes.pdf").data == first.data


def test_the_final_download_reads_the_hash_and_bytes_in_one_query_without_the_text(client, mm, login_as,
                                                                                      count_queries):
    _final(mm)
    login_as("leadership")
    url = f"/meetings/{mm.meeting.id}/minutes.pdf"
    etag = client.get(url).headers["ETag"]
    with count_queries() as full:
        assert client.get(url).status_code == 200
    with count_queries() as revalidation:
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    for log in (full, revalidation):
        minutes = [s for s in log.selects if "minutes_revision" in s or "minutes_pdf" in s]
        assert len(minutes) == 1, minutes  # the hash (and the bytes) in one statement
        assert not any("minutes_revision.body" in s for s in log.selects)
    assert "minutes_pdf.content" in " ".join(full.selects)
    assert "minutes_pdf.content" not in " ".join(revalidation.selects)
    assert full() == revalidation()


def test_delegates_of_the_meeting_download_the_final_pdf_others_may_not(client, mm, login_as):
    _final(mm)
    login_as("delegate", agency=mm.agencies[0])
    assert client.get(f"/meetings/{mm.meeting.id}/minutes.pdf").data.startswith(b"%PDF")
    page = html_of(client.get(f"/meetings/{mm.meeting.id}"))
    assert 'id="meeting-download-minutes"' in page
    login_as("delegate", agency=mm.agencies[2])  # not invited
    for url in ("/minutes.pdf", "/minutes/v1.pdf", "/minutes", "/documents/minutes.pdf"):
        assert client.get(f"/meetings/{mm.meeting.id}{url}").status_code == 403, url


def test_verification_page_shows_the_hash_and_nothing_else_forged_codes_are_not_valid(client, mm):
    final = _final(mm)
    client.get("/logout")
    pdf_hash = queries.stored_hash(final.id)
    page = html_of(client.get(f"/v/{final.verification_code}"))
    assert pdf_hash in page and "Rakor Notulen Uji" in page and "Angga Priyadi, ST" in page
    assert "Rapat dibuka pukul" not in page  # no content of the minutes
    assert "Tidak sah" not in page
    forged = client.get("/v/AAAAAAAAAAAA")
    assert forged.status_code == 404 and "Tidak sah." in html_of(forged)
    for bad in ("x", "%00", "a" * 200, "<script>"):
        assert client.get(f"/v/{bad}").status_code in (400, 404)
    wrong = html_of(client.get(f"/v/{final.verification_code}?sha256={'0' * 64}"))
    assert 'id="hash-mismatch"' in wrong
    right = html_of(client.get(f"/v/{final.verification_code}?sha256={pdf_hash.upper()}"))
    assert 'id="hash-match"' in right


def test_verification_is_rate_limited(client, mm, app, monkeypatch):
    from rakor.extensions import limiter

    final = _final(mm)
    monkeypatch.setitem(app.config, "VERIFICATION_RATE_LIMIT", "3 per minute")
    limiter.reset()
    try:
        codes = [client.get(f"/v/{final.verification_code}").status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        assert client.get("/v/BBBBBBBBBBBB").status_code == 429
    finally:
        limiter.reset()


def test_history_and_compare_show_who_finalised_and_what_changed(client, mm, login_as):
    v1 = _final(mm)
    v2 = services.save(mm.meeting, body(opening="Rapat dibuka pukul 09.00 WITA."), mm.committee, v1.id,
                       reason="Koreksi jam")
    db.session.commit()
    login_as("leadership")
    page = html_of(client.get(f"/meetings/{mm.meeting.id}/minutes/history"))
    assert "Koreksi jam" in page and "Angga Priyadi, ST" in page and "/minutes/v1.pdf" in page
    page = html_of(client.get(f"/meetings/{mm.meeting.id}/minutes/compare?a={v1.id}&b={v2.id}"))
    assert "diff-removed" in page and "Rapat dibuka pukul 08.30 WITA." in page
    assert "Rapat dibuka pukul 09.00 WITA." in page
    assert client.get(f"/meetings/{mm.meeting.id}/minutes/compare?a={v1.id}&b=999999").status_code == 404
    login_as("delegate", agency=mm.agencies[0])
    assert client.get(f"/meetings/{mm.meeting.id}/minutes/history").status_code == 403


def test_leadership_dashboard_offers_the_latest_final_minutes_in_one_click(client, mm, login_as):
    login_as("leadership")
    page = html_of(client.get("/"))
    assert 'id="panel-latest-minutes"' in page and "Belum ada notulen final." in page
    _final(mm)
    page = html_of(client.get("/"))
    assert f'href="/meetings/{mm.meeting.id}/minutes.pdf"' in page and "Rakor Notulen Uji" in page


def test_the_meeting_page_has_a_minutes_section_and_tab(client, mm, login_as):
    login_as("committee")
    page = html_of(client.get(f"/meetings/{mm.meeting.id}"))
    assert 'id="minutes-section"' in page and f'href="/meetings/{mm.meeting.id}/minutes"' in page
    page = html_of(client.get(f"/meetings/{mm.meeting.id}/commitments"))
    assert 'id="tab-minutes"' in page


def test_a_final_version_whose_pdf_is_missing_is_rendered_and_stored_on_first_download(client, mm, login_as):
    draft = services.save(mm.meeting, body(), mm.committee, None)
    final = services.finalise(mm.meeting, mm.committee, draft.id, lambda code: f"http://localhost/v/{code}")
    db.session.commit()
    assert queries.stored_hash(final.id) is None
    login_as("leadership")
    first = client.get(f"/meetings/{mm.meeting.id}/minutes.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert first.headers["ETag"].strip('"') == queries.stored_hash(final.id) == hashlib.sha256(first.data).hexdigest()
    assert client.get(f"/meetings/{mm.meeting.id}/minutes/v1.pdf").data == first.data
