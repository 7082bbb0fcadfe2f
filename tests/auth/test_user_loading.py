"""Issue 20: what every page asks about the signed-in user comes with the user's own row
(rakor/auth/loading.py), not one query each: the agencies a scoped account acts for
(tenancy) and the navbar's unread-notice count. The answers stay those of the separate reads."""
import re

import pytest

from rakor.auth import services as account_services
from rakor.core.types import utcnow
from rakor.notices.models import Notice
from tests.factories import make_user, two_organizers


@pytest.fixture
def two(db):
    s = two_organizers()
    db.session.commit()
    return s


def _alone(statements, table):
    """The statements that read `table` on their own (not as a column of the user's query)."""
    return [s for s in statements if re.match(rf"\s*SELECT\b.*\bFROM {table}\b", s, re.S | re.I)
            and "user_account" not in s]


def test_the_extra_agencies_of_a_committee_come_with_its_row(client, db, two, count_queries):
    helper = make_user("committee", agency=two.province_agency)
    account_services.set_extra_agencies(helper, [two.agency_b.id])  # signs it out: a new token
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = helper.get_id()
        sess["_fresh"] = True
    with count_queries() as queries:
        page = client.get("/meetings/?scope=all").get_data(as_text=True)
    assert two.meeting_p.title in page and two.meeting_b.title in page  # its own and the extra one
    assert two.meeting_a.title not in page
    assert _alone(queries.statements, "user_managed_agency") == []


def test_an_account_without_extra_agencies_acts_for_its_own_only(client, two, login_as):
    login_as("committee", agency=two.agency_a)
    page = client.get("/meetings/?scope=all").get_data(as_text=True)
    assert two.meeting_a.title in page
    assert two.meeting_b.title not in page and two.meeting_p.title not in page


def _badge(html):
    found = re.search(r'id="nav-unread-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_the_unread_count_comes_with_the_users_row(client, db, login_as, count_queries):
    user = login_as("delegate")
    other = make_user("delegate")
    for owner, read_at in ((user, None), (user, None), (user, utcnow()), (other, None)):
        db.session.add(Notice(user_id=owner.id, kind="test", params={}, created_at=utcnow(), read_at=read_at))
    db.session.commit()
    with count_queries() as queries:
        page = client.get("/meetings/").get_data(as_text=True)
    assert _badge(page) == 2  # its own unread ones only
    assert _alone(queries.statements, "notice") == []
