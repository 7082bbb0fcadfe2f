"""A returned commitment's edit form offers "Save and submit" (the delegate fixes and sends it back
in one step), and the history shows the "Submitted" step also when a commitment was saved and
submitted at once."""
from sqlalchemy import select

from rakor.commitments import services
from rakor.commitments.models import Commitment, CommitmentEvent
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.helpers import sign_in

FORM = {"title": "Intervensi gizi spesifik di 20 desa lokus", "target_value": "5,75",
        "target_date": "2024-12-31", "programme_code": "1.06.05", "responsible_office": "Dinas Sosial",
        "budget": "1,25 M", "funding_source": "apbd", "budget_year": "2024"}


def test_a_returned_commitment_is_fixed_and_submitted_in_one_step(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "returned", cm.committee, note="Lengkapi OPD")
    db.session.commit()
    sign_in(client, cm.delegate)
    url = f"/meetings/{cm.meeting.id}/commitments/{c.id}/edit"
    assert 'id="save-and-submit"' in client.get(url).get_data(as_text=True)
    version = db.session.scalar(select(Commitment.version).where(Commitment.id == c.id))
    response = client.post(url, data={**FORM, "indicator_id": str(cm.poverty), "version": str(version),
                                      "responsible_office": "Dinas Sosial dan Bappeda", "submit_now": "1"})
    assert response.status_code == 302
    fresh = db.session.execute(select(Commitment.status, Commitment.responsible_office)
                               .where(Commitment.id == c.id)).one()
    assert tuple(fresh) == ("submitted", "Dinas Sosial dan Bappeda")
    kinds = db.session.scalars(select(CommitmentEvent.kind).where(CommitmentEvent.commitment_id == c.id)
                               .order_by(CommitmentEvent.id)).all()
    assert kinds == ["created", "submitted", "returned", "updated", "submitted"]


def test_an_agreed_commitment_offers_no_submit(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    services.change_status(c, "agreed", cm.committee)
    db.session.commit()
    sign_in(client, cm.committee)
    html = client.get(f"/meetings/{cm.meeting.id}/commitments/{c.id}/edit").get_data(as_text=True)
    assert 'id="save-and-submit"' not in html


def test_the_history_shows_the_submitted_step_of_a_save_and_submit(client, cm):
    c = services.create_commitment(cm.meeting, data(cm), cm.delegate, submit=True)
    db.session.commit()
    sign_in(client, cm.delegate)
    html = client.get(f"/meetings/{cm.meeting.id}/commitments/{c.id}").get_data(as_text=True)
    assert "Dibuat" in html and "Diajukan" in html
