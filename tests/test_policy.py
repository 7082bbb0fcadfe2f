"""Every endpoint declares its access; anonymous users never get a 500 anywhere."""
from decimal import Decimal

import pytest
from werkzeug.routing import IntegerConverter

from rakor.policy import NO_SIGN_IN_PAGE, declared_access
from tests.helpers import all_rules


def test_every_endpoint_declares_an_access_policy(app):
    with app.test_request_context():
        undeclared = sorted(r.endpoint for r in app.url_map.iter_rules()
                            if declared_access(r.endpoint) is None)
    assert undeclared == [], f"endpoints without @public/@authenticated/@roles: {undeclared}"


def test_the_url_map_covers_the_api(app):
    """The API's endpoints are in the walk above (and so declare their access)."""
    api_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")]
    assert len(api_rules) >= 20
    assert {r.endpoint.split(".")[0] for r in api_rules} >= NO_SIGN_IN_PAGE


def _sample_url(rule):
    values = {}
    for arg in rule.arguments:
        values[arg] = 1 if isinstance(rule._converters[arg], IntegerConverter) else "x"
    return rule.build(values, append_unknown=False)[1]


def test_anonymous_is_redirected_to_login_everywhere(app, client):
    problems = []
    with app.test_request_context():
        for rule in all_rules(app):
            access = declared_access(rule.endpoint)
            url = _sample_url(rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method)
                if response.status_code >= 500:
                    problems.append(f"{method} {url}: {response.status_code}")
                elif access[0] != "public" and rule.endpoint.split(".")[0] in NO_SIGN_IN_PAGE:
                    # the HTTP API: 401 problem, never the sign-in page
                    if response.status_code != 401 or response.mimetype != "application/problem+json":
                        problems.append(f"{method} {url}: {response.status_code} {response.mimetype}")
                elif access[0] != "public":
                    if response.status_code != 302 or not response.location.startswith("/login"):
                        problems.append(f"{method} {url}: {response.status_code} {response.location}")
    assert problems == []


@pytest.mark.parametrize("role", ["admin", "committee", "delegate", "leadership"])
def test_every_get_endpoint_as_every_role_never_500s_and_obeys_roles(app, client, login_as, role):
    login_as(role)
    problems = []
    with app.test_request_context():
        rules = all_rules(app)
    for rule in rules:
        if "GET" not in rule.methods:
            continue
        access = declared_access(rule.endpoint)
        with app.test_request_context():
            url = _sample_url(rule)
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
        if access[0] == "roles" and role not in access[1] and response.status_code != 403:
            problems.append(f"{url}: {role} got {response.status_code}, expected 403")
    assert problems == []


# --- two organizers (tenancy, issue 22): every meeting route refuses the other organizer ------

def _organizer_b_objects(app, s):
    """Meeting B with one of each thing a meeting route names by id."""
    from pathlib import Path

    from rakor.extensions import db
    from rakor.meetings.models import Material
    from rakor.regions.programmes import load_shipped_programmes
    from tests.factories import (
        commitment_data,
        make_agenda_item,
        make_commitment,
        make_participant,
        make_update,
        topic_id,
    )

    load_shipped_programmes()
    meeting = s.meeting_b
    item = make_agenda_item(meeting)
    folder = Path(app.config["UPLOAD_DIR"]) / "materials"
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{meeting.id:032x}b.pdf"
    (folder / stored).write_bytes(b"%PDF-1.4 organizer B")
    material = Material(meeting_id=meeting.id, original_filename="b.pdf", stored_name=stored,
                        content_type="application/pdf", size=20, sha256="0" * 64)
    db.session.add(material)
    participant = make_participant(meeting, s.office_b)
    commitment = make_commitment(meeting, s.committee_b, commitment_data(s.office_b, topic_id("KEMISKINAN")))
    update = make_update(commitment, s.committee_b, percent=Decimal("50"))
    db.session.commit()
    return {"meeting_id": meeting.id, "item_id": item.id, "material_id": material.id,
            "participant_id": participant.id, "commitment_id": commitment.id, "update_id": update.id,
            "fmt": "csv", "kind": "attendance", "action": "agree"}


@pytest.mark.parametrize("who", ["committee_a", "leadership_a"])
def test_another_organizers_meeting_routes_are_refused_on_every_method(app, client, db, login_as, who):
    """The committee (and the leadership) of regency A gets 403/404 from every route of regency
    B's meeting, GET and POST: pages, actions, exports, documents. B's own committee gets the
    meeting page (the walk is not vacuous)."""
    from tests.factories import two_organizers

    s = two_organizers()
    db.session.commit()
    ids = _organizer_b_objects(app, s)
    role, _sep, org = who.partition("_")
    login_as(role, agency=s.agency_a)
    problems = []
    for rule in all_rules(app):
        if "meeting_id" not in rule.arguments:
            continue
        values = {a: ids.get(a, 1) for a in rule.arguments}
        with app.test_request_context():
            url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={"seats": "3", "agency_id": s.office_b.id,
                                                            "title": "Diubah", "status": "held"})
            if response.status_code not in (403, 404):
                problems.append(f"{method} {url}: {response.status_code}")
    assert problems == []
    login_as("committee", agency=s.agency_b)
    assert client.get(f"/meetings/{s.meeting_b.id}").status_code == 200
    assert client.get(f"/meetings/{s.meeting_b.id}/participants/export.csv").status_code == 200
