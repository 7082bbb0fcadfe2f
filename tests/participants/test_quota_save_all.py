"""The quota page saves every row at once: one form, one POST, one transaction (issue 12)."""
import pytest
from sqlalchemy import select

from rakor.core.errors import DomainError
from rakor.extensions import db as _db
from rakor.participants.models import SeatQuota
from rakor.participants.quotas import SeatRowsError, set_all_seats
from tests.factories import make_participant, make_quota


def seats(meeting):
    return {q.agency_id: q.seats for q in _db.session.scalars(
        select(SeatQuota).where(SeatQuota.meeting_id == meeting.id))}


def test_the_table_is_one_form_with_one_save_button(client, login_as, province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1)
    make_quota(m, a2)
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/quotas").get_data(as_text=True)
    form = html[html.index('id="quota-table-form"'):]
    form = form[:form.index("</form>")]
    assert f'name="seats-{a1.id}"' in form and f'name="seats-{a2.id}"' in form
    assert form.count('type="submit"') == 3  # "save all" and the two rows' remove buttons (form=)
    assert 'id="save-all-quotas"' in form
    assert f'form="remove-quota-{a1.id}"' in form and f'id="remove-quota-{a1.id}"' in html


def test_saving_the_table_changes_every_row_in_one_post(client, login_as, province_meeting):
    m, (a1, a2, a3) = province_meeting.meeting, province_meeting.agencies
    for a in (a1, a2, a3):
        make_quota(m, a, seats=4)
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/quotas/save",
                           data={f"seats-{a1.id}": "6", f"seats-{a2.id}": " 2 ", f"seats-{a3.id}": "4"})
    assert response.status_code == 302
    assert seats(m) == {a1.id: 6, a2.id: 2, a3.id: 4}
    html = client.get(f"/meetings/{m.id}/quotas").get_data(as_text=True)
    assert "Kuota 3 instansi tersimpan." in html


def test_a_refused_row_saves_nothing_and_every_row_keeps_what_was_typed(client, login_as, province_meeting):
    m, (a1, a2, a3) = province_meeting.meeting, province_meeting.agencies
    for a in (a1, a2, a3):
        make_quota(m, a, seats=4)
    for _ in range(3):
        make_participant(m, a3)
    login_as("committee")
    response = client.post(f"/meetings/{m.id}/quotas/save",
                           data={f"seats-{a1.id}": "abc", f"seats-{a2.id}": "9", f"seats-{a3.id}": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert seats(m) == {a1.id: 4, a2.id: 4, a3.id: 4}
    assert "Belum ada yang disimpan" in html
    row = {a.id: html[html.index(f'data-agency-id="{a.id}"'):] for a in (a1, a2, a3)}
    row = {k: v[:v.index("</tr>")] for k, v in row.items()}
    assert 'value="abc"' in row[a1.id] and "harus berupa bilangan bulat" in row[a1.id]
    assert 'value="9"' in row[a2.id] and "is-invalid" not in row[a2.id]
    assert 'value="1"' in row[a3.id] and "sebelum menurunkan kuota menjadi 1" in row[a3.id]


def test_set_all_seats_is_all_or_nothing_in_the_service(province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_quota(m, a1, seats=2)
    with pytest.raises(SeatRowsError) as err:
        set_all_seats(m, {a1.id: "5", a2.id: "0", 999999: "3"})
    assert set(err.value.by_agency) == {a2.id, 999999}
    assert seats(m) == {a1.id: 2}
    # A row for an agency without a quota yet creates it.
    set_all_seats(m, {a1.id: "5", a2.id: "3"})
    assert seats(m) == {a1.id: 5, a2.id: 3}


def test_set_all_seats_refuses_a_cancelled_meeting(province_meeting):
    m, a1 = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a1, seats=2)
    m.status = "cancelled"
    with pytest.raises(DomainError):
        set_all_seats(m, {a1.id: "5"})
    assert seats(m) == {a1.id: 2}


def test_saving_the_table_is_for_the_committee_only(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a)
    login_as("delegate", agency=a)
    assert client.post(f"/meetings/{m.id}/quotas/save", data={f"seats-{a.id}": "40"}).status_code == 403
    assert seats(m) == {a.id: 4}
