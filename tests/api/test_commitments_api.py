"""Commitments and progress through the API: the same object rules as the pages (same fixture
as tests/commitments/test_pages.py), If-Match, problems in the caller's language, bad input."""
from decimal import Decimal

from rakor.commitments import services
from rakor.commitments.models import Commitment
from rakor.extensions import db
from tests.api.conftest import bearer
from tests.factories import first_agency_commitment as data

API = "/api/v1"


def _body(cm, **overrides):
    values = {"meeting_id": cm.meeting.id, "title": "Intervensi gizi spesifik di 20 desa lokus",
              "indicator": "KEMISKINAN", "target_value": "5.75", "target_date": "2024-12-31",
              "programme_code": "1.06.05", "responsible_office": "Dinas Sosial",
              "budget": "1250000000.00", "funding_source": "apbd", "budget_year": 2024}
    values.update(overrides)
    return values


def test_a_delegate_creates_for_its_own_agency_with_decimals_as_strings(client, cm, token_of):
    response = client.post(f"{API}/commitments", json=_body(cm), headers=bearer(token_of(cm.delegate)))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["agency"]["id"] == cm.agencies[0].id and body["status"] == "draft"
    assert body["target_value"] == "5.7500" and body["budget"] == "1250000000.00"
    assert body["baseline_value"] == "6.2500"  # the official baseline, filled as on the page
    assert response.headers["ETag"].startswith('"v1-')


def test_a_delegate_cannot_create_for_another_agency(client, cm, token_of):
    response = client.post(f"{API}/commitments", json=_body(cm, agency_id=cm.agencies[1].id),
                           headers=bearer(token_of(cm.delegate)))
    assert response.status_code == 422
    assert "agency_id" in response.json["errors"]
    assert db.session.query(Commitment).count() == 0


def test_idor_another_agencys_delegate_sees_and_changes_nothing(client, cm, token_of):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)  # a draft of agency 1
    db.session.commit()
    other = bearer(token_of(cm.other_delegate))
    assert client.get(f"{API}/commitments/{c.id}", headers=other).status_code == 404
    assert client.get(f"{API}/commitments/{c.id}/progress", headers=other).status_code == 404
    patch = client.patch(f"{API}/commitments/{c.id}", json={"title": "x"},
                         headers={**other, "If-Match": '"v1"'})
    assert patch.status_code == 404
    for action in ("agree", "return"):
        assert client.post(f"{API}/commitments/{c.id}/{action}", json={"note": "x"},
                           headers={**other, "If-Match": '"v1"'}).status_code == 403
    listed = client.get(f"{API}/commitments?meeting={cm.meeting.id}", headers=other).json["items"]
    assert listed == []  # not in the list either, exactly as on the page
    assert db.session.get(Commitment, c.id).status == "draft"


def test_a_delegate_sees_its_own_and_the_agreed_ones_like_the_page(client, cm, token_of):
    own = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    theirs = services.create_commitment(cm.meeting, data(cm, agency_id=cm.agencies[1].id),
                                        cm.other_delegate, submit=True)
    agreed = services.create_commitment(cm.meeting, data(cm, agency_id=cm.agencies[1].id, title="B"),
                                        cm.other_delegate, submit=True)
    services.change_status(agreed, "agreed", cm.committee)
    db.session.commit()
    ids = {c["id"] for c in client.get(f"{API}/commitments", headers=bearer(token_of(cm.delegate))).json["items"]}
    assert ids == {own.id, agreed.id} and theirs.id not in ids
    everything = client.get(f"{API}/commitments", headers=bearer(token_of(cm.leadership))).json["items"]
    assert {c["id"] for c in everything} == {own.id, theirs.id, agreed.id}


def test_if_match_missing_stale_and_current(client, cm, token_of):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate)
    db.session.commit()
    headers = bearer(token_of(cm.delegate))
    etag = client.get(f"{API}/commitments/{c.id}", headers=headers).headers["ETag"]
    missing = client.patch(f"{API}/commitments/{c.id}", json={"title": "Baru"}, headers=headers)
    assert missing.status_code == 428 and missing.headers["Content-Type"] == "application/problem+json"
    ok = client.patch(f"{API}/commitments/{c.id}", json={"title": "Baru"},
                      headers={**headers, "If-Match": etag})
    assert ok.status_code == 200 and ok.json["title"] == "Baru" and ok.json["version"] == 2
    stale = client.patch(f"{API}/commitments/{c.id}", json={"title": "Lagi"},
                         headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    db.session.expire_all()
    assert db.session.get(Commitment, c.id).title == "Baru"


def test_if_none_match_answers_304(client, cm, token_of):
    headers = bearer(token_of(cm.committee))
    first = client.get(f"{API}/meetings/{cm.meeting.id}", headers=headers)
    again = client.get(f"{API}/meetings/{cm.meeting.id}",
                       headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_committee_agrees_and_returns_with_the_version(client, cm, token_of):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    d = services.create_commitment(cm.meeting, data(cm, title="Kedua"), cm.delegate, submit=True)
    db.session.commit()
    committee = bearer(token_of(cm.committee))
    delegate = bearer(token_of(cm.delegate))
    assert client.post(f"{API}/commitments/{c.id}/agree", json={},
                       headers={**delegate, "If-Match": f'"v{c.version}"'}).status_code == 403
    agreed = client.post(f"{API}/commitments/{c.id}/agree", json={},
                         headers={**committee, "If-Match": f'"v{c.version}"'})
    assert agreed.status_code == 200 and agreed.json["status"] == "agreed"
    no_note = client.post(f"{API}/commitments/{d.id}/return", json={},
                          headers={**committee, "If-Match": f'"v{d.version}"'})
    assert no_note.status_code == 422
    returned = client.post(f"{API}/commitments/{d.id}/return", json={"note": "Lengkapi anggaran"},
                           headers={**committee, "If-Match": f'"v{d.version}"'})
    assert returned.status_code == 200 and returned.json["review_note"] == "Lengkapi anggaran"


def test_bad_input_is_refused_with_field_errors_in_the_callers_language(client, cm, token_of):
    headers = bearer(token_of(cm.delegate))
    unknown = client.post(f"{API}/commitments", json=_body(cm, colour="red"), headers=headers)
    assert unknown.status_code == 422 and unknown.headers["Content-Type"] == "application/problem+json"
    assert unknown.json["errors"]["colour"] == ["Kolom tidak dikenal."]  # Indonesian by default
    english = client.post(f"{API}/commitments", json=_body(cm, colour="red"),
                          headers={**headers, "Accept-Language": "en"})
    assert english.json["errors"]["colour"] == ["Unknown field."]
    for bad in ("6,00", "1e309", "NaN", "Infinity", "", "6.", "1.000,5", "12345678901234567"):
        response = client.post(f"{API}/commitments", json=_body(cm, target_value=bad), headers=headers)
        assert response.status_code == 422 and "target_value" in response.json["errors"], bad
    as_number = client.post(f"{API}/commitments", data=f'{{"meeting_id": {cm.meeting.id}, "title": "t", "target_value": 1e309}}',
                            content_type="application/json", headers=headers)
    assert as_number.status_code == 422 and "target_value" in as_number.json["errors"]
    many = client.post(f"{API}/commitments", json=[_body(cm)] * 10_000, headers=headers)
    assert many.status_code == 413 and many.headers["Content-Type"] == "application/problem+json"
    a_list = client.post(f"{API}/commitments", json=[_body(cm)] * 2, headers=headers)
    assert a_list.status_code == 422  # one commitment per request: a list is not one
    huge_page = client.get(f"{API}/commitments?limit=10000", headers=headers)
    assert huge_page.status_code == 422 and "limit" in huge_page.json["errors"]
    bad_cursor = client.get(f"{API}/commitments?cursor=nonsense", headers=headers)
    assert bad_cursor.status_code == 422 and "cursor" in bad_cursor.json["errors"]
    assert db.session.query(Commitment).count() == 0


def test_cursor_pagination_walks_every_item_once(client, cm, token_of):
    made = [services.create_commitment(cm.meeting, data(cm, title=f"K{i}"), cm.delegate).id
            for i in range(5)]
    db.session.commit()
    headers, seen, url = bearer(token_of(cm.committee)), [], f"{API}/commitments?limit=2"
    while url:
        body = client.get(url, headers=headers).json
        seen += [c["id"] for c in body["items"]]
        url = f"{API}/commitments?limit=2&cursor={body['next_cursor']}" if body["next_cursor"] else None
    assert seen == made


def test_progress_push_list_and_verify(client, cm, token_of, monkeypatch):
    from rakor.progress import workdays

    monkeypatch.setattr(workdays, "today", lambda: __import__("datetime").date(2024, 10, 15))
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    db.session.commit()
    delegate, committee = bearer(token_of(cm.delegate)), bearer(token_of(cm.committee))
    pushed = client.post(f"{API}/commitments/{c.id}/progress", headers=delegate, json={
        "period": "2024-Q3", "status": "on_track", "realised_value": "6.00",
        "budget_realised": "500000000.00", "narrative": "Triwulan III"})
    assert pushed.status_code == 201, pushed.json
    assert pushed.json["realised_value"] == "6.0000" and pushed.json["review_status"] == "submitted"
    again = client.post(f"{API}/commitments/{c.id}/progress", headers=delegate, json={
        "period": "2024-Q3", "status": "on_track", "realised_value": "6.00",
        "budget_realised": "500000000.00", "narrative": "Triwulan III"})
    assert again.status_code == 200 and again.json["id"] == pushed.json["id"]  # unchanged
    listed = client.get(f"{API}/commitments/{c.id}/progress?period=2024-Q3", headers=delegate).json
    assert [u["id"] for u in listed["items"]] == [pushed.json["id"]]
    other = bearer(token_of(cm.other_delegate))
    assert client.post(f"{API}/commitments/{c.id}/progress", headers=other,
                       json={"period": "2024-Q3", "status": "late"}).status_code == 403
    update_id = pushed.json["id"]
    assert client.post(f"{API}/progress/{update_id}/verify", json={},
                       headers={**delegate, "If-Match": pushed.headers["ETag"]}).status_code == 403
    verified = client.post(f"{API}/progress/{update_id}/verify", json={},
                           headers={**committee, "If-Match": pushed.headers["ETag"]})
    assert verified.status_code == 200 and verified.json["review_status"] == "verified"
    assert Decimal(verified.json["percent_achieved"]) > 0


def test_participants_full_for_the_committee_counts_for_others(client, cm, token_of):
    from tests.factories import make_participant

    make_participant(cm.meeting, cm.agencies[0], name="Dr. Siti Aminah")
    db.session.commit()
    full = client.get(f"{API}/meetings/{cm.meeting.id}/participants", headers=bearer(token_of(cm.committee))).json
    assert [p["name"] for p in full["participants"]] == ["Dr. Siti Aminah"]
    counts = client.get(f"{API}/meetings/{cm.meeting.id}/participants",
                        headers=bearer(token_of(cm.delegate))).json
    assert counts["participants"] == [] and counts["counts"][0]["registered"] == 1


def test_final_minutes_pdf_and_its_verification_record(client, cm, token_of):
    import hashlib

    from rakor.meetings import services as meetings
    from tests.factories.minutes import make_final_minutes

    headers = bearer(token_of(cm.delegate))
    assert client.get(f"{API}/meetings/{cm.meeting.id}/minutes", headers=headers).status_code == 404
    meetings.change_status(cm.meeting, "held", cm.committee)
    make_final_minutes(cm.meeting, cm.committee)
    db.session.commit()
    record = client.get(f"{API}/meetings/{cm.meeting.id}/minutes", headers=headers)
    assert record.status_code == 200 and record.json["version"] == 1
    assert record.json["sha256"] is None  # stored with the first download, as on the page
    pdf = client.get(f"{API}/meetings/{cm.meeting.id}/minutes.pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    record = client.get(f"{API}/meetings/{cm.meeting.id}/minutes", headers=headers)
    assert hashlib.sha256(pdf.data).hexdigest() == record.json["sha256"]
    assert record.json["verification_code"] in record.json["verification_url"]
    outsider = bearer(token_of(make_user_of_other_agency(cm)))
    assert client.get(f"{API}/meetings/{cm.meeting.id}/minutes.pdf", headers=outsider).status_code == 404


def make_user_of_other_agency(cm):
    from tests.factories import make_user

    return make_user("delegate", agency=cm.agencies[2])  # the third agency is not invited


def test_dashboard_figures_for_readers_only(client, cm, token_of):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    db.session.commit()
    figures = client.get(f"{API}/dashboard", headers=bearer(token_of(cm.leadership)))
    assert figures.status_code == 200
    assert figures.json["total"]["commitments"] >= 1
    assert client.get(f"{API}/dashboard", headers=bearer(token_of(cm.delegate))).status_code == 403


def test_a_garbled_if_match_is_a_precondition_failure_not_a_500(client, cm, token_of, monkeypatch):
    """Schemathesis sent `If-Match: W/"", ".c]>94", ""` to a verify."""
    from datetime import date

    from rakor.progress import services as progress
    from rakor.progress import workdays
    from rakor.progress.services import UpdateData

    monkeypatch.setattr(workdays, "today", lambda: date(2024, 10, 15))
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    update = progress.report(c, UpdateData(period="2024-Q3", status="on_track", realised_value=Decimal("6")),
                             cm.delegate).update
    db.session.commit()
    committee = bearer(token_of(cm.committee))
    for garbled in ('W/"", ".c]>94", ""', '""', "*", 'W/"v1"', "v1, v1"):
        response = client.post(f"{API}/progress/{update.id}/verify", json={},
                               headers={**committee, "If-Match": garbled})
        assert response.status_code in (412, 428, 200), (garbled, response.status_code)
        assert response.headers["Content-Type"] in ("application/problem+json", "application/json")


def test_a_list_page_costs_a_fixed_number_of_queries(client, cm, token_of, count_queries):
    for i in range(12):
        c = services.create_commitment(cm.meeting, data(cm, title=f"K{i}"), cm.delegate, submit=True)
        services.change_status(c, "agreed", cm.committee)
    db.session.commit()
    headers = bearer(token_of(cm.delegate))
    client.get(f"{API}/commitments?limit=1", headers=headers)  # records the token's first use
    counts = {}
    for limit in (2, 12):
        with count_queries() as n:
            response = client.get(f"{API}/commitments?limit={limit}&region=96.01&year=2024", headers=headers)
        assert len(response.json["items"]) == limit
        counts[limit] = len(n.selects)
    assert counts[2] == counts[12] == 2  # the token with its user, the page with what it shows
