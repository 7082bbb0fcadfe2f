"""The committee agrees or returns many submitted commitments at once. Each one goes through the
single decision's rules (workflow, history event, optimistic lock): a stale one is refused by
name and the others go through; returning needs a reason, which each delegate reads."""
from sqlalchemy import select, update

from rakor.commitments import services
from rakor.commitments.models import Commitment, CommitmentEvent
from rakor.extensions import db
from tests.factories import first_agency_commitment as data
from tests.helpers import sign_in


def _submitted(cm, n):
    return [services.create_commitment(cm.meeting, data(cm, title=f"Komitmen {i}"), cm.delegate, submit=True)
            for i in range(n)]


def _status(c):
    return db.session.scalar(select(Commitment.status).where(Commitment.id == c.id))


def test_the_list_offers_boxes_for_submitted_commitments_only_to_the_committee(client, cm):
    a, _b = _submitted(cm, 2)
    db.session.commit()
    sign_in(client, cm.committee)
    html = client.get(f"/meetings/{cm.meeting.id}/commitments").get_data(as_text=True)
    assert 'id="bulk-decision"' in html and html.count('class="form-check-input mt-1 bulk-pick"') == 2
    assert f'value="{a.id}:{a.version}"' in html
    sign_in(client, cm.leadership)
    assert 'id="bulk-decision"' not in client.get(f"/meetings/{cm.meeting.id}/commitments").get_data(as_text=True)


def test_bulk_agree_decides_each_and_reports_a_stale_one_by_name(client, cm):
    a, b, c = _submitted(cm, 3)
    db.session.commit()
    picks = [f"{x.id}:{x.version}" for x in (a, b, c)]
    # Someone changes b after the committee's page was drawn.
    db.session.execute(update(Commitment).where(Commitment.id == b.id).values(version=Commitment.version + 1))
    db.session.commit()
    sign_in(client, cm.committee)
    response = client.post(f"/meetings/{cm.meeting.id}/commitments/decide",
                           data={"item": picks, "action": "agree"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert [_status(x) for x in (a, b, c)] == ["agreed", "submitted", "agreed"]
    assert a.reference in html and c.reference in html and b.reference in html
    assert "Tidak diputuskan" in html
    kinds = db.session.scalars(select(CommitmentEvent.kind).where(CommitmentEvent.commitment_id == a.id)
                               .order_by(CommitmentEvent.id)).all()
    assert kinds[-1] == "agreed"


def test_bulk_return_needs_a_reason_and_each_delegate_reads_it(client, cm):
    a, b = _submitted(cm, 2)
    db.session.commit()
    sign_in(client, cm.committee)
    items = [f"{a.id}:{a.version}", f"{b.id}:{b.version}"]
    client.post(f"/meetings/{cm.meeting.id}/commitments/decide", data={"item": items, "action": "return"})
    assert [_status(a), _status(b)] == ["submitted", "submitted"]
    client.post(f"/meetings/{cm.meeting.id}/commitments/decide",
                data={"item": items, "action": "return", "note": "Lengkapi OPD penanggung jawab"})
    assert [_status(a), _status(b)] == ["returned", "returned"]
    sign_in(client, cm.delegate)
    assert "Lengkapi OPD penanggung jawab" in client.get(
        f"/meetings/{cm.meeting.id}/commitments/{a.id}").get_data(as_text=True)


def test_only_the_committee_decides_and_only_on_this_meetings_commitments(client, cm):
    (a,) = _submitted(cm, 1)
    db.session.commit()
    sign_in(client, cm.delegate)
    assert client.post(f"/meetings/{cm.meeting.id}/commitments/decide",
                       data={"item": [f"{a.id}:{a.version}"], "action": "agree"}).status_code == 403
    sign_in(client, cm.committee)
    client.post(f"/meetings/{cm.meeting.id}/commitments/decide",
                data={"item": ["999999:1", "x:y"], "action": "agree"})
    assert _status(a) == "submitted"
