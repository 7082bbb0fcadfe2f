"""One delegate account per invitation link: the claim is recorded on the invitation
(`claimed_user_id`), and a second claim through the same link is refused."""
import pytest
from sqlalchemy import func, select

from rakor.auth.models import User
from rakor.core.errors import DomainError
from rakor.extensions import db as _db
from rakor.participants import invitations as inv_service
from tests.factories import make_quota

PASSWORD = "Rencana-Pembangunan-2024"


def claim(client, token, email, name="Rina Marlina"):
    return client.post(f"/i/{token}/account", data={"name": name, "email": email,
                                                     "password": PASSWORD, "confirm": PASSWORD})


@pytest.fixture
def link(province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a, seats=2)
    inv, token = inv_service.create_invitation(m, a)
    return m, a, inv, token


def test_the_claim_is_recorded_on_the_invitation(client, link):
    _m, a, inv, token = link
    assert claim(client, token, "rina@kotabaru.go.id").status_code == 302
    _db.session.refresh(inv)
    user = _db.session.scalar(select(User).where(User.email == "rina@kotabaru.go.id"))
    assert inv.claimed_user_id == user.id and user.agency_id == a.id


def test_a_second_claim_through_the_same_link_is_refused(app, client, link):
    _m, a, inv, token = link
    assert claim(client, token, "rina@kotabaru.go.id").status_code == 302
    other = app.test_client()  # another browser holding the same link
    response = claim(other, token, "budi@kotabaru.go.id", name="Budi")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "sudah dibuat sejak tautan ini dikirim" in html
    assert 'id="claim-form"' in html
    accounts = _db.session.scalar(select(func.count(User.id)).where(User.agency_id == a.id))
    assert accounts == 1


def test_claim_account_refuses_a_claimed_link_even_when_checked_before_the_claim(link):
    """The service re-reads the invitation under its lock: a claim recorded after the page was
    shown (the losing side of a race) still refuses the second account."""
    _m, a, inv, _token = link
    assert inv_service.claim_refusal(inv) is None  # what the page saw
    inv_service.claim_account(inv, email="rina@kotabaru.go.id", name="Rina", password=PASSWORD)
    with pytest.raises(DomainError) as refused:
        inv_service.claim_account(inv, email="budi@kotabaru.go.id", name="Budi", password=PASSWORD)
    assert refused.value.field is None  # a form-level message, not about the e-mail typed
    assert _db.session.scalar(select(func.count(User.id)).where(User.agency_id == a.id)) == 1
