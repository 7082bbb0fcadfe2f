"""Document kinds: one route for every kind, the kind's own permission, links on meeting pages."""
import pytest
from flask import url_for

from rakor.documents import registry
from rakor.extensions import db
from rakor.participants.documents import ATTENDANCE, attendance_context
from tests.factories import make_meeting, make_quota


def test_the_attendance_sheet_is_a_kind_participants_registers(app):
    assert registry.get("attendance") is ATTENDANCE
    assert ATTENDANCE.permission == "meeting.view" and ATTENDANCE.filename_prefix == "daftar-hadir"
    with app.test_request_context():
        generic = url_for("documents.document", meeting_id=7, kind="attendance", fmt="pdf")
        assert generic == url_for("documents.attendance_pdf", meeting_id=7) == "/meetings/7/documents/attendance.pdf"
        assert url_for("documents.attendance_preview", meeting_id=7) == "/meetings/7/documents/attendance.html"


def test_unknown_kind_or_format_is_404(client, login_as):
    login_as("committee")
    meeting = make_meeting()
    db.session.commit()
    for path in ("no-such-kind.pdf", "attendance.docx", "attendance.pdf.pdf", "attendance"):
        assert client.get(f"/meetings/{meeting.id}/documents/{path}").status_code == 404, path


@pytest.fixture
def committee_only_kind():
    kind = registry.DocumentKind(name="committee-copy", title="Salinan Panitia", filename_prefix="salinan",
                                 template=ATTENDANCE.template, context=attendance_context,
                                 permission="meeting.check_in")
    registry.register(kind)
    yield kind
    registry.unregister(kind.name)


def test_the_generic_route_checks_the_kinds_own_permission(client, login_as, committee_only_kind):
    meeting = make_meeting(title="Rapat Panitia")
    db.session.commit()
    login_as("leadership")  # may view the meeting, may not use the check-in desk
    assert client.get(f"/meetings/{meeting.id}/documents/committee-copy.pdf").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/documents/attendance.pdf").status_code == 200
    login_as("committee")
    response = client.get(f"/meetings/{meeting.id}/documents/committee-copy.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith('inline; filename="salinan-')
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/meetings/{meeting.id}/documents/committee-copy.html").status_code == 200


def test_links_list_the_kinds_the_user_may_have(client, login_as, committee_only_kind):
    meeting = make_meeting()
    db.session.commit()
    login_as("committee")
    page = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/documents/attendance.pdf"' in page
    assert f'href="/meetings/{meeting.id}/documents/committee-copy.pdf"' in page
    login_as("leadership")
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting.id}/documents/attendance.pdf"' in page
    assert "committee-copy" not in page


def test_document_cli_lists_the_registered_kinds(app, committee_only_kind, tmp_path):
    meeting = make_meeting()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["documents", "render", str(meeting.id), "nope", "-o",
                                                str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "attendance" in result.output and "committee-copy" in result.output


def test_a_delegate_has_no_document_link_on_the_meeting_page(client, login_as):
    meeting = make_meeting(status="scheduled")
    delegate_agency = meeting.organizer
    make_quota(meeting, delegate_agency)
    db.session.commit()
    login_as("delegate", agency=delegate_agency)
    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert 'id="participants-section"' in page and "/documents/" not in page
