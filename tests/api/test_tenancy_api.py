"""The HTTP API under tenancy (issue 22): the committee of regency A reaches nothing of regency
B's meeting, through the same rules as the pages; B's own committee does."""
from decimal import Decimal

import pytest

from rakor.commitments.models import Commitment
from rakor.extensions import db
from rakor.regions.programmes import load_shipped_programmes
from tests.api.conftest import bearer
from tests.factories import commitment_data, make_commitment, make_update, topic_id, two_organizers

API = "/api/v1"


@pytest.fixture
def two(db):
    load_shipped_programmes()
    s = two_organizers()
    s.commitment_b = make_commitment(s.meeting_b, s.committee_b, commitment_data(s.office_b, topic_id("KEMISKINAN")))
    s.submitted_b = make_commitment(s.meeting_b, s.committee_b, commitment_data(s.office_b, topic_id("KEMISKINAN"),
                                                                             title="Diajukan"), status="submitted")
    s.update_b = make_update(s.commitment_b, s.committee_b, percent=Decimal("50"))
    db.session.commit()
    return s


@pytest.mark.parametrize("who", ["committee_a", "leadership_a"])
def test_another_organizers_meeting_is_not_found_through_the_api(client, two, token_of, who):
    headers = bearer(token_of(getattr(two, who)))
    m, c, u = two.meeting_b.id, two.commitment_b.id, two.update_b.id
    for url in (f"/meetings/{m}", f"/meetings/{m}/agenda", f"/meetings/{m}/participants", f"/meetings/{m}/minutes",
                f"/meetings/{m}/minutes.pdf", f"/commitments/{c}", f"/commitments/{c}/progress", f"/progress/{u}"):
        assert client.get(API + url, headers=headers).status_code in (403, 404), url
    writes = [("PATCH", f"/commitments/{c}", {"title": "Diubah"}),
              ("POST", f"/commitments/{two.submitted_b.id}/agree", {"note": "x"}),
              ("POST", f"/commitments/{two.submitted_b.id}/return", {"note": "x"}),
              ("POST", f"/commitments/{c}/progress", {"period": "2024-Q2", "status": "on_track", "percent": "60"}),
              ("POST", f"/progress/{u}/verify", {}), ("POST", f"/progress/{u}/return", {"note": "x"})]
    for method, url, body in writes:
        response = client.open(API + url, method=method, json=body, headers={**headers, "If-Match": '"v1"'})
        assert response.status_code in (403, 404), (method, url, response.status_code)
    created = client.post(f"{API}/commitments", headers=headers, json={
        "meeting_id": m, "agency_id": two.office_b.id, "title": "Sisipan", "indicator": "KEMISKINAN",
        "target_value": "5.75", "target_date": "2024-12-31"})
    assert created.status_code in (403, 404, 422)
    listed = client.get(f"{API}/meetings", headers=headers).json["items"]
    assert two.meeting_b.id not in {item["id"] for item in listed}
    listed = client.get(f"{API}/commitments", headers=headers).json["items"]
    assert not {c, two.submitted_b.id} & {item["id"] for item in listed}
    db.session.expire_all()
    assert db.session.get(Commitment, two.submitted_b.id).status == "submitted"
    assert db.session.get(Commitment, c).title != "Diubah"


def test_the_organizers_own_committee_and_the_province_see_it(client, two, token_of):
    own = bearer(token_of(two.committee_b))
    assert client.get(f"{API}/meetings/{two.meeting_b.id}", headers=own).status_code == 200
    assert client.get(f"{API}/commitments/{two.commitment_b.id}", headers=own).status_code == 200
    province = bearer(token_of(two.leadership_p))
    listed = {item["id"] for item in client.get(f"{API}/meetings", headers=province).json["items"]}
    assert {two.meeting_p.id, two.meeting_a.id, two.meeting_b.id} <= listed


def test_the_dashboard_figures_count_the_meetings_the_token_sees(client, two, token_of):
    """/dashboard without a meeting: regency B's readers count B's FGD only (not the province's
    commitment of B's Bappeda, in the same regency); the province's leadership both."""
    province_c = make_commitment(two.meeting_p, two.committee_p, commitment_data(two.agency_b, topic_id("KEMISKINAN"),
                                                                                title="Provinsi untuk B"))
    make_update(province_c, two.committee_p, percent=Decimal("90"))
    db.session.commit()

    def figures(user, **query):
        response = client.get(f"{API}/dashboard", query_string={"region": two.province.kemendagri_code, **query},
                              headers=bearer(token_of(user)))
        assert response.status_code == 200
        return response.json

    for who in ("committee_b", "leadership_b"):
        found = figures(getattr(two, who))
        assert found["total"]["commitments"] == 1 and found["total"]["average_percent"] == "50.0", who
        assert [(r["code"], r["commitments"]) for r in found["by_region"]] == [(two.region_b.kemendagri_code, 1)]
        assert sum(found["statuses"].values()) == 1
        assert figures(getattr(two, who), period="2024-Q1")["total"]["reported"] == 1
    assert figures(two.leadership_a)["total"]["commitments"] == 0
    province = figures(two.leadership_p)
    assert province["total"]["commitments"] == 2 and province["total"]["average_percent"] == "70.0"
    assert figures(two.committee_p)["total"]["commitments"] == 1


def test_the_commitment_list_joins_the_meeting_only_where_a_condition_needs_it(app, client, two, token_of,
                                                                             count_queries):
    """A reader who sees every meeting reads the list without the meeting (every commitment has
    one); a scoped reader, or a filter on the meeting's year, joins it. The same commitments
    come out either way: those of meetings `meeting.view` allows that `commitment.view` allows
    (as the commitment's own page checks both)."""
    from rakor import policy
    from rakor.meetings.models import Meeting
    from tests.factories import make_user

    make_commitment(two.meeting_a, two.committee_a, commitment_data(two.office_a, topic_id("KEMISKINAN"),
                                                                   title="Komitmen A"))
    db.session.commit()
    instance_wide, admin = make_user("committee"), make_user("admin")
    db.session.commit()
    everything = [(c, db.session.get(Meeting, c.meeting_id)) for c in db.session.query(Commitment)]
    year = two.meeting_b.starts_at.year
    for user, joins_meeting in ((instance_wide, False), (admin, False), (two.committee_a, True),
                                (two.committee_b, True), (two.leadership_p, True), (two.leadership_b, True)):
        for query, joined in (("", joins_meeting), (f"&year={year}", True)):
            with count_queries() as log:
                response = client.get(f"{API}/commitments?limit=100{query}", headers=bearer(token_of(user)))
            assert response.status_code == 200
            listed = {item["id"] for item in response.json["items"]}
            expected = {c.id for c, meeting in everything if policy.can(user, "meeting.view", meeting)
                        and policy.can(user, "commitment.view", c)}
            assert listed == expected and listed, (user.role, user.agency_id, query)
            page = [s for s in log.statements if "FROM commitment" in s]
            assert len(page) == 1
            assert ("JOIN meeting ON" in page[0]) == joined, (user.role, user.agency_id, query)


def test_the_page_statement_of_a_reader_who_sees_everything_is_kept_per_filters(app, two):
    """Its statement depends on the filters alone (so SQLAlchemy computes its cache key once):
    the same filters reuse it, other filters get their own, a scoped reader never uses it."""
    from rakor.api import queries
    from tests.factories import make_user

    make_commitment(two.meeting_a, two.committee_a, commitment_data(two.office_a, topic_id("KEMISKINAN"),
                                                                   title="Komitmen A"))
    admin = make_user("admin")
    db.session.commit()
    kept = queries._page_of_every_meeting
    kept.cache_clear()
    region_a, region_b = two.region_a.kemendagri_code, two.region_b.kemendagri_code

    def ids(user, **filters):
        return [row.id for row in queries.commitments(user, limit=10, **filters)]

    in_b = ids(admin, region=region_b)
    assert in_b == sorted(c.id for c in (two.commitment_b, two.submitted_b))
    assert (kept.cache_info().hits, kept.cache_info().misses) == (0, 1)
    assert ids(admin, region=region_b) == in_b
    assert (kept.cache_info().hits, kept.cache_info().misses) == (1, 1)
    in_a = ids(admin, region=region_a)
    assert in_a and not set(in_a) & set(in_b)
    assert ids(admin, region=region_a, after=in_a[-1]) == []
    assert (kept.cache_info().hits, kept.cache_info().misses) == (1, 3)
    assert ids(two.committee_a, region=region_b) == []  # regency A's committee: not B's meeting
    assert ids(two.committee_b, region=region_b) == in_b
    assert (kept.cache_info().hits, kept.cache_info().misses) == (1, 3)
