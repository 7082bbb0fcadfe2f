"""The committee verifies or sends back many progress updates at once from the meeting's progress
page; each goes through the single review's path, and an update corrected meanwhile is named
and left alone while the others go through."""
from decimal import Decimal

from sqlalchemy import select

from rakor.extensions import db
from rakor.progress import services
from rakor.progress.models import ProgressReview, ProgressUpdate
from tests.helpers import sign_in
from tests.progress.conftest import TODAY, update


def _reported(pg):
    a = services.report(pg.poverty_c, update(realised_value=Decimal("6")), pg.delegate, today=TODAY).update
    b = services.report(pg.ipm_c, update(realised_value=Decimal("71")), pg.delegate, today=TODAY).update
    db.session.commit()
    return a, b


def _review_status(update_id):
    return db.session.scalar(select(ProgressUpdate.review_status).where(ProgressUpdate.id == update_id))


def test_the_page_offers_boxes_for_updates_awaiting_verification(client, pg):
    a, b = _reported(pg)
    sign_in(client, pg.committee)
    html = client.get(f"/meetings/{pg.meeting.id}/progress").get_data(as_text=True)
    assert 'id="bulk-review"' in html and f'value="{a.id}"' in html and f'value="{b.id}"' in html
    sign_in(client, pg.delegate)
    assert 'id="bulk-review"' not in client.get(f"/meetings/{pg.meeting.id}/progress").get_data(as_text=True)


def test_verify_many_and_a_corrected_update_is_named_not_verified(client, pg):
    a, b = _reported(pg)
    corrected = services.report(pg.ipm_c, update(realised_value=Decimal("71.5")), pg.delegate, today=TODAY).update
    db.session.commit()
    sign_in(client, pg.committee)
    page = client.post(f"/meetings/{pg.meeting.id}/progress/review",
                       data={"update": [str(a.id), str(b.id)], "action": "verify"}, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert _review_status(a.id) == "verified" and _review_status(b.id) == "submitted"
    assert _review_status(corrected.id) == "submitted"
    assert "Tidak diperiksa" in html and pg.ipm_c.reference in html
    reviews = db.session.scalars(select(ProgressReview.to_status).where(ProgressReview.update_id == a.id)).all()
    assert "verified" in reviews


def test_sending_back_many_needs_a_reason(client, pg):
    a, b = _reported(pg)
    sign_in(client, pg.committee)
    url = f"/meetings/{pg.meeting.id}/progress/review"
    client.post(url, data={"update": [str(a.id), str(b.id)], "action": "return"})
    assert (_review_status(a.id), _review_status(b.id)) == ("submitted", "submitted")
    client.post(url, data={"update": [str(a.id), str(b.id)], "action": "return", "note": "Lengkapi bukti."})
    assert (_review_status(a.id), _review_status(b.id)) == ("returned", "returned")


def test_only_the_committee_reviews_many(client, pg):
    a, _b = _reported(pg)
    sign_in(client, pg.delegate)
    assert client.post(f"/meetings/{pg.meeting.id}/progress/review",
                       data={"update": [str(a.id)], "action": "verify"}).status_code == 403
