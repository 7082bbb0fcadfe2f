"""Meeting-scoped participant routes decide access on the meeting before they look up anything
inside it, and odd form input is a validation message, never a 500."""
import pytest

from tests.factories import make_agency, make_participant, make_quota


@pytest.mark.parametrize("method,path", [
    ("get", "/meetings/{m}/participants/{p}/edit"),
    ("post", "/meetings/{m}/participants/{p}/cancel"),
    ("get", "/meetings/{m}/participants/{p}/badge"),
])
def test_a_meeting_the_delegate_cannot_see_is_403_whether_the_participant_exists_or_not(
        client, login_as, province_meeting, method, path):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    p = make_participant(m, a, name="Budi Santoso")
    login_as("delegate", agency=make_agency())  # its agency is not invited to this meeting
    existing = getattr(client, method)(path.format(m=m.id, p=p.id)).status_code
    missing = getattr(client, method)(path.format(m=m.id, p=p.id + 1000)).status_code
    assert (existing, missing) == (403, 403)


@pytest.mark.parametrize("path,data", [
    ("/meetings/{m}/participants/new", {"name": "Budi", "agency_id": "abc", "meeting_role": "peserta"}),
    ("/meetings/{m}/quotas/set", {"agency_id": "abc", "seats": "3"}),
    ("/meetings/{m}/quotas/set", {"agency_id": "abc", "seats": "3", "row": "1"}),
    ("/meetings/{m}/invitations", {"agency_id": "x1"}),
])
def test_a_non_numeric_agency_id_is_a_form_error_not_a_500(client, login_as, province_meeting, path, data):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    login_as("committee")
    response = client.post(path.format(m=m.id), data=data)
    assert response.status_code in (200, 422)
    assert 'class="invalid-feedback' in response.get_data(as_text=True)
