"""Progress pages: the quarterly table, the single update, review, evidence, who may do what."""
import io
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rakor.extensions import db
from rakor.progress import services, workdays
from rakor.progress.models import ProgressEvidence, ProgressUpdate
from tests.helpers import PDF
from tests.progress.conftest import TODAY, update


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(workdays, "today", lambda: TODAY)


def login_user(client, user):
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True


def table_url(pg, period="2024-Q3", agency=None):
    url = f"/meetings/{pg.meeting.id}/progress/report?period={period}"
    return url + (f"&agency={agency}" if agency else "")


def row(c, **fields):
    return {f"c{c.id}-{k}": v for k, v in fields.items()}


def test_a_delegate_fills_the_quarterly_table_for_its_agency_with_evidence(client, pg):
    db.session.commit()
    login_user(client, pg.delegate)
    page = client.get(table_url(pg, agency=pg.agencies[1].id)).get_data(as_text=True)
    assert pg.poverty_c.reference in page and pg.other_c.reference not in page  # its own agency only
    form = {"csrf_token": "", **row(pg.poverty_c, realised_value="6,00", status="on_track", budget_realised="625.000.000",
                                    narrative="Bantuan sosial tersalurkan."),
            **row(pg.rural_c, percent="40", status="at_risk"),
            f"c{pg.poverty_c.id}-evidence": (io.BytesIO(PDF), "bukti.pdf")}
    response = client.post(table_url(pg), data=form, content_type="multipart/form-data")
    assert response.status_code == 302
    updates = {u.commitment_id: u for u in db.session.scalars(select(ProgressUpdate))}
    assert set(updates) == {pg.poverty_c.id, pg.rural_c.id}  # the IPM row was left empty: skipped
    assert updates[pg.poverty_c.id].percent_achieved == Decimal("50.00")
    assert updates[pg.poverty_c.id].budget_realised == Decimal("625000000")
    assert db.session.scalar(select(ProgressEvidence.original_filename)) == "bukti.pdf"
    # The same figures again (the form as the page now shows it) write nothing.
    again = {"csrf_token": "", **row(pg.poverty_c, realised_value="6.00", status="on_track",
                                     budget_realised="625000000", narrative="Bantuan sosial tersalurkan.", revision="1")}
    assert client.post(table_url(pg), data=again).status_code == 302
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 2


def test_a_bad_row_keeps_the_whole_table_and_says_where(client, pg):
    db.session.commit()
    login_user(client, pg.delegate)
    form = {**row(pg.poverty_c, realised_value="6,00", status="on_track"),
            **row(pg.ipm_c, realised_value="enam", status="on_track"),
            f"c{pg.rural_c.id}-percent": "30", f"c{pg.rural_c.id}-status": "late",
            f"c{pg.rural_c.id}-evidence": (io.BytesIO(b"MZ\x90\x00"), "program.exe")}
    response = client.post(table_url(pg), data=form, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Tulis angka" in page or "Write a number" in page
    assert 'value="6,00"' in page  # what was typed stays
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_a_forbidden_evidence_type_is_refused_and_nothing_is_saved(client, pg):
    db.session.commit()
    login_user(client, pg.delegate)
    form = {**row(pg.rural_c, percent="30", status="late"),
            f"c{pg.rural_c.id}-evidence": (io.BytesIO(b"MZ\x90\x00"), "program.exe")}
    response = client.post(table_url(pg), data=form, content_type="multipart/form-data")
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0
    assert db.session.scalar(select(func.count(ProgressEvidence.id))) == 0


def test_250_percent_by_hand_needs_the_confirmation(client, pg):
    db.session.commit()
    login_user(client, pg.delegate)
    url = f"/meetings/{pg.meeting.id}/commitments/{pg.rural_c.id}/progress/new"
    data = {"p-period": "Triwulan III 2024", "u-percent": "250", "u-status": "done"}
    page = client.post(url, data=data).get_data(as_text=True)
    assert 'id="percent-warning"' in page
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0
    assert client.post(url, data={**data, "u-confirm_percent": "y"}).status_code == 302
    assert db.session.scalar(select(ProgressUpdate.percent_achieved)) == Decimal("250.00")


def test_a_period_before_the_meeting_is_shown_on_the_period_field(client, pg):
    db.session.commit()
    login_user(client, pg.delegate)
    url = f"/meetings/{pg.meeting.id}/commitments/{pg.poverty_c.id}/progress/new"
    page = client.post(url, data={"p-period": "Triwulan IV 2023", "u-realised_value": "6", "u-status": "late"})
    assert page.status_code == 200 and "is-invalid" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


@pytest.mark.parametrize("who", ["other_delegate", "leadership"])
def test_nobody_reports_on_another_agencys_commitment_by_url(client, pg, who):
    db.session.commit()
    login_user(client, getattr(pg, who))
    url = f"/meetings/{pg.meeting.id}/commitments/{pg.poverty_c.id}/progress/new"
    assert client.post(url, data={"p-period": "2024-Q3", "u-realised_value": "6", "u-status": "late"}).status_code == 403
    assert db.session.scalar(select(func.count(ProgressUpdate.id))) == 0


def test_a_crafted_row_for_another_agencys_commitment_is_ignored(client, pg):
    db.session.commit()
    login_user(client, pg.delegate)
    form = {**row(pg.other_c, realised_value="65,5", status="on_track"), **row(pg.rural_c, percent="10", status="late")}
    assert client.post(table_url(pg, agency=pg.agencies[1].id), data=form).status_code == 302
    assert db.session.scalars(select(ProgressUpdate.commitment_id)).all() == [pg.rural_c.id]


def test_the_committee_verifies_and_sends_back_from_the_timeline(client, pg):
    u = services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY).update
    db.session.commit()
    login_user(client, pg.committee)
    timeline = f"/meetings/{pg.meeting.id}/commitments/{pg.poverty_c.id}/progress"
    page = client.get(timeline).get_data(as_text=True)
    assert 'id="timeline-chart"' in page and "data:image/svg+xml;base64," in page and "<script" not in page.split(
        'id="timeline-chart"')[0][-300:]
    base = f"/meetings/{pg.meeting.id}/progress/updates/{u.id}"
    assert client.post(f"{base}/return", data={"note": "", "expected": "submitted"}).status_code == 302
    assert db.session.get(ProgressUpdate, u.id).review_status == "submitted"  # a comment is required
    client.post(f"{base}/return", data={"note": "Lengkapi bukti.", "expected": "submitted"})
    db.session.expire_all()
    assert db.session.get(ProgressUpdate, u.id).review_status == "returned"
    login_user(client, pg.delegate)
    assert client.post(f"{base}/verify", data={"expected": "returned"}).status_code == 403


def test_evidence_downloads_as_an_attachment_and_only_within_its_meeting(client, pg):
    from tests.factories import make_meeting

    u = services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY).update
    evidence = services.add_evidence(u, io.BytesIO(PDF), "bukti.pdf", pg.delegate)
    other = make_meeting()
    db.session.commit()
    login_user(client, pg.leadership)
    response = client.get(f"/meetings/{pg.meeting.id}/progress/evidence/{evidence.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    response.close()
    assert client.get(f"/meetings/{other.id}/progress/evidence/{evidence.id}").status_code == 404


def test_roles_on_the_monitoring_pages(client, pg):
    db.session.commit()
    for user, expected in ((pg.leadership, 200), (pg.committee, 200), (pg.delegate, 403)):
        login_user(client, user)
        assert client.get("/progress").status_code == expected
        assert client.get(f"/meetings/{pg.meeting.id}/documents/monitoring.pdf").status_code == expected
    login_user(client, pg.leadership)
    assert client.get(table_url(pg)).status_code == 403
    assert client.get(f"/meetings/{pg.meeting.id}/progress").status_code == 200


def test_local_holidays_page(client, pg):
    db.session.commit()
    login_user(client, pg.committee)
    assert client.post("/progress/holidays", data={"day": "2024-07-10", "name": "Hari jadi kabupaten"}).status_code == 302
    page = client.get("/progress/holidays").get_data(as_text=True)
    assert "Hari jadi kabupaten" in page and "Kemerdekaan" in page
    again = client.post("/progress/holidays", data={"day": "2024-07-10", "name": "Lagi"})
    assert again.status_code == 200 and "is-invalid" in again.get_data(as_text=True)


def test_a_reporter_removes_a_wrong_evidence_file_until_the_report_is_verified(client, pg):
    u = services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY).update
    wrong = services.add_evidence(u, io.BytesIO(PDF), "salah.pdf", pg.delegate)
    kept = services.add_evidence(u, io.BytesIO(PDF), "bukti.pdf", pg.delegate)
    wrong_path, kept_path = services.evidence_path(wrong), services.evidence_path(kept)
    wrong_id, kept_id = wrong.id, kept.id
    db.session.commit()
    timeline = f"/meetings/{pg.meeting.id}/commitments/{pg.poverty_c.id}/progress"
    remove = f"/meetings/{pg.meeting.id}/progress/evidence/{wrong_id}/delete"
    # Neither another agency's delegate nor leadership may remove it; the file stays.
    for user, expected in ((pg.other_delegate, 403), (pg.leadership, 403)):
        login_user(client, user)
        assert f'id="remove-evidence-{wrong_id}"' not in client.get(timeline).get_data(as_text=True)
        assert client.post(remove).status_code == expected
    assert db.session.get(ProgressEvidence, wrong_id) is not None and wrong_path.is_file()
    login_user(client, pg.delegate)
    assert f'id="remove-evidence-{wrong_id}"' in client.get(timeline).get_data(as_text=True)
    response = client.post(remove)
    assert response.status_code == 302 and response.headers["Location"].endswith(timeline)
    db.session.expire_all()
    assert db.session.get(ProgressEvidence, wrong_id) is None and not wrong_path.exists()
    assert db.session.get(ProgressEvidence, kept_id) is not None and kept_path.is_file()
    # Once verified, the evidence stays (the committee included), with a message.
    services.review(db.session.get(ProgressUpdate, u.id), "verified", pg.committee)
    db.session.commit()
    login_user(client, pg.committee)
    assert f'id="remove-evidence-{kept_id}"' not in client.get(timeline).get_data(as_text=True)
    page = client.post(f"/meetings/{pg.meeting.id}/progress/evidence/{kept_id}/delete", follow_redirects=True)
    assert "terverifikasi" in page.get_data(as_text=True).lower() or "verified" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProgressEvidence, kept_id) is not None and kept_path.is_file()
