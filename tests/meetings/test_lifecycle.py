"""The meeting lifecycle as data (rakor/meetings/lifecycle.py), the workflow helper behind
status changes (rakor/core/workflow.py) and what frozen meetings still allow."""
import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.extensions import db as _db
from rakor.meetings import lifecycle, services
from rakor.meetings.lifecycle import CLOSED_FOR, MeetingStatus, check_open, closed_reason
from rakor.meetings.models import Material, MeetingTransition
from rakor.policy import can
from tests.factories import make_agenda_item, make_meeting, make_user

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_status_carries_its_label_and_badge(app):
    with app.test_request_context(), force_locale("id"):
        assert str(MeetingStatus.DRAFT.label) == "Draf"
        assert str(lifecycle.STATUS_LABELS["minutes_final"]) == str(MeetingStatus.MINUTES_FINAL.label)
    with app.test_request_context(), force_locale("en"):
        assert str(MeetingStatus("held").label) == "Held"
    assert MeetingStatus.CANCELLED.badge == "danger" and lifecycle.STATUS_BADGES["draft"] == "secondary"
    assert set(lifecycle.TRANSITIONS) == set(MeetingStatus) == set(lifecycle.STATUS_LABELS)


@pytest.mark.parametrize("status", list(MeetingStatus))
def test_check_open_raises_the_message_of_the_table(app, status):
    meeting = type("M", (), {"status": status.value})()
    for purpose, closed in CLOSED_FOR.items():
        if status in closed:
            with pytest.raises(DomainError) as refused:
                check_open(meeting, for_=purpose)
            assert refused.value.message == closed[status] == closed_reason(meeting, purpose)
        else:
            check_open(meeting, for_=purpose)
            assert closed_reason(meeting, purpose) is None
    assert lifecycle.is_frozen(meeting) is (status in ("minutes_final", "cancelled"))


def test_frozen_services_refuse_with_the_lifecycle_message(app, db):
    with app.test_request_context(), force_locale("id"):
        for status, text in (("minutes_final", "Notulen rapat ini sudah final"),
                             ("cancelled", "Rapat ini dibatalkan")):
            item = make_agenda_item(make_meeting(status=status))
            with pytest.raises(DomainError) as refused:
                services.move_agenda_item(item, "down")
            assert str(refused.value.message).startswith(text)


def test_rules_know_freezing(db):
    committee = make_user("committee")
    for status in MeetingStatus:
        meeting = make_meeting(status=status.value)
        assert can(committee, "meeting.edit", meeting) is (status not in lifecycle.FROZEN)
        assert can(committee, "meeting.manage_materials", meeting) is (status != "cancelled")
        assert can(committee, "meeting.change_status", meeting) is (status != "cancelled")
        assert can(committee, "meeting.manage_participants", meeting) is (status != "cancelled")


def test_final_minutes_edit_page_explains_and_materials_stay_open(app, client, db, login_as):
    login_as("committee")
    meeting = make_meeting(status="minutes_final")
    item = make_agenda_item(meeting)
    db.session.commit()
    response = client.get(f"/meetings/{meeting.id}/edit")
    assert response.status_code == 302 and response.location == f"/meetings/{meeting.id}"
    page = client.get(response.location).get_data(as_text=True)
    assert "Notulen rapat ini sudah final" in page
    assert 'id="edit-meeting"' not in page and 'id="upload-material"' in page
    for url in (f"/meetings/{meeting.id}/agenda/new", f"/meetings/{meeting.id}/agenda/{item.id}/edit"):
        assert client.get(url).status_code == 403, url
    assert client.get(f"/meetings/{meeting.id}/materials/new").status_code == 200
    # No transition leads out of final minutes: the status form says so.
    page = client.post(f"/meetings/{meeting.id}/status", data={"to_status": "held"},
                       follow_redirects=True).get_data(as_text=True)
    assert "tidak dapat diubah dari status ini" in page


def test_every_status_change_writes_one_history_row(db):
    sample = make_meeting()
    meeting = services.create_meeting(services.MeetingData(
        title="Rakor Uji Riwayat", starts_at=sample.starts_at, ends_at=sample.ends_at, venue="Aula",
        organizer_agency_id=sample.organizer_agency_id), status="scheduled")
    services.change_status(meeting, "cancelled", note="Bertepatan dengan kunjungan kerja")
    rows = db.session.execute(select(MeetingTransition.from_status, MeetingTransition.to_status,
                                     MeetingTransition.note)
                              .where(MeetingTransition.meeting_id == meeting.id)
                              .order_by(MeetingTransition.id)).all()
    assert [tuple(r) for r in rows] == [(None, "draft", None), ("draft", "scheduled", None),
                                        ("scheduled", "cancelled", "Bertepatan dengan kunjungan kerja")]
    with pytest.raises(DomainError) as refused:
        services.change_status(meeting, "scheduled", expected_from="scheduled")
    assert "diubah" in str(refused.value.message) or "changed meanwhile" in str(refused.value.message)


def test_a_failed_commit_leaves_no_uploaded_file_behind(app, client, db, login_as, monkeypatch):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    folder = Path(app.config["UPLOAD_DIR"]) / "materials"
    before = {p.name for p in folder.iterdir()} if folder.exists() else set()

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(_db.session, "commit", broken_commit)
    with pytest.raises(RuntimeError):
        client.post(f"/meetings/{meeting.id}/materials/new",
                    data={"title": "", "agenda_item_id": "", "file": (io.BytesIO(PDF), "bahan.pdf")},
                    content_type="multipart/form-data")
    monkeypatch.undo()
    assert {p.name for p in folder.iterdir()} == before
    assert db.session.scalar(select(Material).where(Material.meeting_id == meeting.id)) is None
