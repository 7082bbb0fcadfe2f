"""Issue 8, defect 8: a text field sent as a file (multipart) answered 500 on 19 forms, the
anonymous login and invitation pages included ("object of type 'FileStorage' has no len()").
BaseForm now gives such a field a validation error, on every form; JSON numbers and lists sent
for a text field are refused the same way."""
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from rakor.commitments.models import IndicatorBaseline
from rakor.core.forms import BaseForm
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.participants import invitations as inv_service
from tests.factories import (
    make_agency,
    make_agenda_item,
    make_meeting,
    make_participant,
    make_quota,
    make_user,
    topic_id,
)
from tests.helpers import all_rules


def _form_classes(cls=BaseForm):
    for sub in cls.__subclasses__():
        yield sub
        yield from _form_classes(sub)


def _text_field_names(app):
    """Every name a form of the app reads, except file fields."""
    from wtforms import FileField

    names = set()
    with app.test_request_context():
        for form_class in _form_classes():
            if not form_class.__module__.startswith("rakor."):
                continue
            form = form_class(formdata=None, meta={"csrf": False})
            names |= {f.name for f in form if not isinstance(f, FileField)}
    return names


def _as_file(content=b"x"):
    return (io.BytesIO(content), "x.txt", "text/plain")


@pytest.fixture
def world(db):
    start = (utcnow() + timedelta(days=10)).replace(hour=0, minute=30, second=0, microsecond=0)
    meeting = make_meeting(starts_at=start, ends_at=start + timedelta(hours=7))
    agency = make_agency()
    make_quota(meeting, agency, seats=4)
    participant = make_participant(meeting, agency)
    item = make_agenda_item(meeting, starts_at=start, ends_at=start + timedelta(hours=1))
    invitation, token = inv_service.create_invitation(meeting, agency)
    target = make_user(role="committee")
    baseline = IndicatorBaseline(region_id=agency.region_id, topic_id=topic_id("IPM"), year=2023, value=Decimal(70))
    _db.session.add(baseline)
    _db.session.commit()
    return {"baseline_id": baseline.id, "meeting_id": meeting.id, "item_id": item.id, "participant_id": participant.id,
            "invitation_id": invitation.id, "agency_id": agency.id, "user_id": target.id,
            "material_id": 1, "token": token, "code": participant.checkin_code, "agency": agency,
            # Routes of later features: an id that matches nothing is enough (404, never 500).
            "commitment_id": 1, "action": "submit", "mail_id": 1, "fmt": "csv", "topic_id": 1, "update_id": 1,
            "evidence_id": 1, "holiday_id": 1, "version": 1, "change_id": 1, "contact_id": 1, "notice_id": 1,
            "token_id": 1, "endpoint_id": 1, "delivery_id": 1,
            "region_id": agency.region_id}


def _role_for(rule):
    if rule.endpoint.startswith("admin."):
        return "admin"
    if rule.rule.startswith("/i/") or rule.endpoint in ("auth.login", "main.set_language"):
        return None
    return "committee"


def test_every_post_route_answers_files_in_text_fields_without_a_500(app, client, login_as, world):
    names = _text_field_names(app)
    assert {"name", "email", "password", "title", "starts_at", "agency_id", "seats"} <= names
    problems = []
    for rule in all_rules(app):
        if "POST" not in rule.methods:
            continue
        with app.test_request_context():
            url = rule.build({a: world[a] for a in rule.arguments}, append_unknown=False)[1]
        client.delete_cookie("session")
        role = _role_for(rule)
        if role:
            login_as(role)
        response = client.post(url, data={n: _as_file() for n in names},
                               content_type="multipart/form-data")
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
    assert problems == []


def _meeting_form(world):
    return {"kind": "rakor", "title": "Rakor Uji", "organizer_agency_id": world["agency"].id,
            "timezone": "Asia/Makassar", "starts_at": "2030-02-01T08:30", "ends_at": "2030-02-01T16:00",
            "venue": "Aula", "city": "Kotabaru", "field": "", "chair_name": "", "chair_position": "",
            "chair_nip": "", "minute_taker_name": "", "minute_taker_nip": "", "description": "",
            "registration_opens_at": "", "registration_closes_at": "", "follow_up_of_id": ""}


def _delegate():
    return {"name": "Siti Rahmah", "nip": "", "position": "Kasubbid", "phone": "081234567890",
            "email": "", "gender": "P"}


def _valid_posts(world):
    """(role, url, valid data) of the forms an outsider or a committee member uses most."""
    m = world["meeting_id"]
    agenda = {"title": "Pembukaan", "day": "", "start_time": "", "end_time": "", "topic_id": "",
              "free_topic": "", "presenter": "", "description": "", "conclusions": ""}
    return [
        (None, "/login", {"email": "nobody@example.id", "password": "x", "remember": "y"}),
        (None, f"/i/{world['token']}", _delegate()),
        ("committee", "/meetings/new", _meeting_form(world)),
        ("committee", f"/meetings/{m}/participants/new",
         {**_delegate(), "agency_id": world["agency"].id, "meeting_role": "peserta",
          "override": "", "override_reason": ""}),
        ("committee", f"/meetings/{m}/agenda/new", agenda),
    ]


def test_each_field_of_the_main_forms_sent_as_a_file_is_a_validation_error(client, login_as, world):
    problems = []
    for role, url, data in _valid_posts(world):
        for name in data:
            client.delete_cookie("session")
            if role:
                login_as(role)
            response = client.post(url, data={**data, name: _as_file()},
                                   content_type="multipart/form-data")
            # Refused (the form is shown again), never a 500 and never accepted.
            if response.status_code not in (200, 422):
                problems.append(f"{url} {name}: {response.status_code}")
    assert problems == []


def test_the_field_sent_a_file_says_why(client, world):
    response = client.post(f"/i/{world['token']}", data={**_delegate(), "position": _as_file()},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert "Nilai tidak valid." in response.get_data(as_text=True)


def test_json_numbers_and_lists_in_text_fields_are_refused(client, world):
    for value in (5, ["a", 1], {"x": 1}, None, True):
        response = client.post("/login", json={"email": value, "password": value})
        assert response.status_code == 200, value
    for body in ([1, 2], "x", 5):  # not even an object
        assert client.post("/login", json=body).status_code == 200, body
