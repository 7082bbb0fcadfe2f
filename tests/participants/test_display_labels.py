"""NIPs in their groups and gender in the UI language, wherever the UI shows them (issue 12)."""
import pytest
from flask import render_template_string

from rakor.core.formatting import format_nip
from rakor.extensions import db
from rakor.participants.services import clean_participant, register_participant
from tests.factories import make_meeting
from tests.helpers import agency_of

pytestmark = pytest.mark.usefixtures("kalsel")


def test_nip_filter_groups_eighteen_digits_and_leaves_anything_else(app):
    with app.test_request_context():
        assert render_template_string("{{ '197205011999031005'|nip }}") == "19720501 199903 1 005"
        assert render_template_string("{{ none|nip }}|{{ '12345'|nip }}") == "|12345"
    assert format_nip("19720501199903100X") == "19720501199903100X"


def test_participants_page_shows_grouped_nips_and_gender_in_the_ui_language(client, login_as):
    meeting = make_meeting(organizer=agency_of("63"), chair_name="Ir. Rahmadi", chair_nip="196805121993031007")
    result = clean_participant({"name": "Siti Aminah", "nip": "197205011999032005", "gender": "P"},
                               agency_of("63.02").id)
    register_participant(meeting, result.data)
    db.session.commit()
    login_as("committee")
    html = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert "19720501 199903 2 005" in html and "197205011999032005" not in html
    assert "(Perempuan)" in html
    assert "19680512 199303 1 007" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    client.post("/language", data={"lang": "en", "next": "/"})
    html = client.get(f"/meetings/{meeting.id}/participants").get_data(as_text=True)
    assert "(Female)" in html
    form = client.get(f"/meetings/{meeting.id}/participants/new").get_data(as_text=True)
    assert ">Male</option>" in form and ">Female</option>" in form
