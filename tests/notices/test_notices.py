"""Notices reach the right people in-app and by e-mail (the outbox, same transaction), say why,
and are marked read one by one or all at once."""
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from rakor.commitments import services as commitment_services
from rakor.extensions import db as _db
from rakor.mail.models import OutboundMail
from rakor.meetings import services as meeting_services
from rakor.notices.models import Notice
from rakor.progress import services as progress_services
from rakor.progress.services import UpdateData
from tests.factories import first_agency_commitment as data
from tests.factories import make_final_minutes, make_user
from tests.helpers import client_of


def notices_of(user):
    return list(_db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)))


def mail_of(notice):
    return _db.session.get(OutboundMail, notice.mail_id)


def _returned(cm):  # noqa: F811
    c = commitment_services.create_commitment(cm.meeting, data(cm), cm.delegate)
    commitment_services.change_status(c, "submitted", cm.delegate)
    commitment_services.change_status(c, "returned", cm.committee, note="Lengkapi kode program")
    return c


def test_a_returned_commitment_reaches_its_agencys_delegates_with_the_reason(cm):  # noqa: F811
    colleague = make_user("delegate", agency=cm.agencies[0])
    c = _returned(cm)
    [notice] = notices_of(cm.delegate)
    assert notice.kind == "commitment_returned" and notice.meeting_id == cm.meeting.id
    assert [n.kind for n in notices_of(colleague)] == ["commitment_returned"]
    assert notices_of(cm.other_delegate) == [] and notices_of(cm.committee) == []
    mail = mail_of(notice)
    assert mail.to_address == cm.delegate.email and mail.kind == "notice_commitment_returned"
    assert c.reference in mail.subject and "dikembalikan" in mail.subject
    assert "Alasan: Lengkapi kode program" in mail.text_body
    # Each e-mail says why it was sent.
    assert "Anda menerima ini karena Anda delegasi Bappeda Kabupaten Uji 1" in mail.text_body
    assert f"/meetings/{cm.meeting.id}/commitments/{c.id}" in mail.text_body


def test_an_agreed_commitment_and_a_reviewed_report_are_noticed(cm):  # noqa: F811
    c = commitment_services.create_commitment(cm.meeting, data(cm), cm.delegate)
    commitment_services.change_status(c, "submitted", cm.delegate)
    commitment_services.change_status(c, "agreed", cm.committee)
    update = progress_services.report(c, UpdateData(period="2024-Q1", status="on_track",
                                                    realised_value=Decimal("6.1")),
                                      cm.delegate, today=datetime(2024, 5, 1).date()).update
    progress_services.review(update, "returned", cm.committee, note="Lampirkan bukti")
    kinds = [n.kind for n in notices_of(cm.delegate)]
    assert kinds == ["commitment_agreed", "progress_returned"]
    body = mail_of(notices_of(cm.delegate)[-1]).text_body
    assert "Triwulan I 2024" in body and "Alasan: Lampirkan bukti" in body


def test_a_cancelled_or_moved_meeting_reaches_the_invited_agencies(cm):  # noqa: F811
    uninvited = make_user("delegate", agency=cm.agencies[2])
    meeting = cm.meeting
    meeting.starts_at = datetime.now(UTC) + timedelta(days=30)
    meeting.ends_at = meeting.starts_at + timedelta(hours=6)
    _db.session.flush()
    local = meeting.starts_at.astimezone(UTC).replace(tzinfo=None) + timedelta(hours=8)
    meeting_services.update_meeting(meeting, meeting_services.MeetingData(
        title=meeting.title, venue=meeting.venue, organizer_agency_id=meeting.organizer_agency_id,
        starts_at=local + timedelta(days=7), ends_at=local + timedelta(days=7, hours=6)), by_user=cm.committee)
    meeting_services.change_status(meeting, "cancelled", cm.committee, note="Bertepatan dengan pilkada")
    assert [n.kind for n in notices_of(cm.delegate)] == ["meeting_rescheduled", "meeting_cancelled"]
    assert [n.kind for n in notices_of(cm.other_delegate)] == ["meeting_rescheduled", "meeting_cancelled"]
    assert notices_of(uninvited) == [] and notices_of(cm.committee) == []
    moved, cancelled = (mail_of(n) for n in notices_of(cm.delegate))
    assert "dipindahkan" in moved.text_body and " ke " in moved.text_body
    assert "Alasan: Bertepatan dengan pilkada" in cancelled.text_body


def test_final_minutes_reach_delegates_and_leadership(cm):  # noqa: F811
    cm.meeting.status = "held"
    _db.session.flush()
    make_final_minutes(cm.meeting, cm.committee)
    assert [n.kind for n in notices_of(cm.delegate)] == ["minutes_final"]
    assert [n.kind for n in notices_of(cm.leadership)] == ["minutes_final"]
    assert notices_of(cm.committee) == []


def test_a_rolled_back_decision_leaves_no_notice_and_no_mail(app, cm):  # noqa: F811
    c = commitment_services.create_commitment(cm.meeting, data(cm), cm.delegate)
    commitment_services.change_status(c, "submitted", cm.delegate)
    _db.session.commit()
    before = _db.session.scalar(select(OutboundMail.id).order_by(OutboundMail.id.desc()).limit(1))
    nested = _db.session.begin_nested()
    commitment_services.change_status(c, "returned", cm.committee, note="x")
    nested.rollback()
    assert notices_of(cm.delegate) == []
    assert _db.session.scalar(select(OutboundMail.id).order_by(OutboundMail.id.desc()).limit(1)) == before


def test_home_shows_notices_and_they_are_marked_read(app, cm):  # noqa: F811
    c = _returned(cm)
    _db.session.commit()
    client = client_of(app, cm.delegate)
    home = client.get("/").get_data(as_text=True)
    assert "Perlu tindakan" in home and f"Komitmen {c.reference} dikembalikan untuk diperbaiki" in home
    [notice] = notices_of(cm.delegate)
    other = client_of(app, cm.other_delegate)
    assert other.post(f"/notices/{notice.id}/open").status_code == 404
    opened = client.post(f"/notices/{notice.id}/open")
    assert opened.status_code == 302 and opened.location.endswith(f"/meetings/{cm.meeting.id}/commitments/{c.id}")
    _db.session.expire_all()
    assert notices_of(cm.delegate)[0].read_at is not None
    assert "Tidak ada yang perlu Anda tindak lanjuti." in client.get("/").get_data(as_text=True)
    # Two more, then "mark all read".
    commitment_services.change_status(c, "submitted", cm.delegate)
    commitment_services.change_status(c, "agreed", cm.committee)
    _db.session.commit()
    page = client.get("/notices").get_data(as_text=True)
    assert page.count('data-read="no"') == 1 and page.count('data-read="yes"') == 1
    assert client.post("/notices/read-all").status_code == 302
    assert 'data-read="no"' not in client.get("/notices").get_data(as_text=True)


def test_home_panel_queries_are_fixed(app, cm, count_queries):  # noqa: F811
    for _ in range(3):
        _returned(cm)
    _db.session.commit()
    from rakor.auth import loading
    from rakor.notices.queries import home_panel

    # On a page the unread count comes with the signed-in user's row (rakor/auth/loading.py).
    with app.test_request_context("/"):
        user = loading.load_user(cm.delegate.id)
        with count_queries() as n:
            panel = home_panel(user)
        assert len(panel["notices"]) == 3 and panel["unread_count"] == 3 and n() == 1
        other = _db.session.get(type(user), cm.other_delegate.id)
        with count_queries() as n:
            assert home_panel(other) == {"notices": [], "unread_count": 0}
        assert n() == 1  # its count, not loaded with the signed-in user's row
    with app.test_request_context("/"):
        other = loading.load_user(cm.other_delegate.id)
        with count_queries() as n:
            assert home_panel(other) == {"notices": [], "unread_count": 0}
        assert n() == 0  # nothing unread: nothing more to read


def test_loading_the_demo_notices_nobody(kalsel):
    """The demo's history (agreements, verified reports, final minutes) is not news: before this,
    `demo load` queued a dozen notice e-mails to the demo accounts."""
    from rakor import demo

    demo.load()
    assert _db.session.scalar(select(Notice.id).limit(1)) is None
    assert _db.session.scalar(select(OutboundMail.id).where(OutboundMail.kind.like("notice_%")).limit(1)) is None


def _unread_badge(html):
    import re
    found = re.search(r'id="nav-unread-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_the_navbar_counts_unread_notices_even_on_a_kept_meeting_page(app, cm):  # noqa: F811
    """Issue 18: the unread count beside the user's name; the meeting page is kept per reader
    (rakor/core/page_cache.py), and a notice read or received renders it again."""
    client = client_of(app, cm.delegate)
    meeting_page = f"/meetings/{cm.meeting.id}"
    assert _unread_badge(client.get(meeting_page).get_data(as_text=True)) == 0
    _returned(cm)
    _db.session.commit()
    assert _unread_badge(client.get("/").get_data(as_text=True)) == 1
    assert _unread_badge(client.get(meeting_page).get_data(as_text=True)) == 1  # not the kept page of before
    assert _unread_badge(client.get(meeting_page).get_data(as_text=True)) == 1  # kept, still right
    assert _unread_badge(client_of(app, cm.other_delegate).get("/").get_data(as_text=True)) == 0
    [notice] = notices_of(cm.delegate)
    assert client.post(f"/notices/{notice.id}/read").status_code == 302  # touches no meeting
    assert _unread_badge(client.get(meeting_page).get_data(as_text=True)) == 0
