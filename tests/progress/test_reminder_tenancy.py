"""The late-report digest under tenancy (issue 22): each committee or leadership account gets only
the late reports of the meetings it manages or sees; an instance-wide account gets all of them;
nobody gets a digest with nothing in it."""
from datetime import date

from sqlalchemy import select

from rakor.auth.models import UserManagedAgency
from rakor.extensions import db
from rakor.notices.models import Notice
from rakor.progress import periods, reminders
from tests.factories import commitment_data, make_commitment, make_user, topic_id
from tests.factories.scenarios import two_organizers

Q1 = periods.quarter(2024, 1)
DIGEST = reminders.Step(reminders.DIGEST, Q1, date(2024, 4, 22))


def _late_commitment(meeting, office, committee):
    return make_commitment(meeting, committee, commitment_data(
        office, topic_id=topic_id("KAWASAN_PERDESAAN"), target_value=None, programme_code=None,
        title=f"Komitmen {office.short_name}"))


def digests():
    """user id -> {agency names in the digest: late commitments}."""
    out = {}
    for notice in db.session.scalars(select(Notice).where(Notice.kind == reminders.NOTICE_KIND[reminders.DIGEST])):
        out[notice.user_id] = {agency: n for _region, agencies in notice.params["regions"] for agency, n in agencies}
        assert notice.params["total"] == sum(out[notice.user_id].values())
    return out


def test_each_scoped_account_gets_the_late_reports_of_its_own_meetings_only(app, db):
    s = two_organizers("94")
    _late_commitment(s.meeting_a, s.office_a, s.committee_a)
    _late_commitment(s.meeting_b, s.office_b, s.committee_b)
    _late_commitment(s.meeting_b, s.office_b, s.committee_b)
    wide_committee, wide_leadership = make_user("committee"), make_user("leadership")
    helper = make_user("committee", agency=s.province_agency)  # the province, helping regency A
    db.session.add(UserManagedAgency(user_id=helper.id, agency_id=s.agency_a.id))
    db.session.flush()

    assert reminders.send_for(DIGEST) == 8  # a, b, the province leadership, the helper, two instance-wide
    got = digests()
    a, b = {s.office_a.name: 1}, {s.office_b.name: 2}
    assert got[s.committee_a.id] == a and got[s.leadership_a.id] == a
    assert got[s.committee_b.id] == b and got[s.leadership_b.id] == b
    assert got[s.leadership_p.id] == {**a, **b}  # the province oversees its regencies
    assert got[helper.id] == a
    assert got[wide_committee.id] == got[wide_leadership.id] == {**a, **b}
    # The province's own committee organises no meeting with a late report: no empty digest.
    assert s.committee_p.id not in got
    assert reminders.send_for(DIGEST) == 0  # once


def test_nobody_gets_a_digest_when_only_other_organizers_are_late(app, db):
    s = two_organizers("93")
    _late_commitment(s.meeting_b, s.office_b, s.committee_b)
    assert reminders.send_for(DIGEST) == 3  # committee_b, leadership_b, leadership_p
    got = digests()
    assert set(got) == {s.committee_b.id, s.leadership_b.id, s.leadership_p.id}
