"""The participant list and the check-in desk search for what was typed: `%` and `_` match
themselves, not "anything" (core.sql.contains)."""
import pytest

from tests.factories import make_participant

PAGES = {
    "participant list": "/meetings/{id}/participants",
    "check-in desk": "/meetings/{id}/checkin",
}


@pytest.fixture
def people(province_meeting):
    m, (a1, a2, _a3) = province_meeting.meeting, province_meeting.agencies
    make_participant(m, a1, name="Budi Santoso", nip="198001012005011001")
    make_participant(m, a2, name="Rina 100% Hadir")
    make_participant(m, a2, name="Ani_Rahma")
    return m


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("q,shown", [
    ("%", {"Rina 100% Hadir"}),
    ("_", {"Ani_Rahma"}),
    ("100%", {"Rina 100% Hadir"}),
    ("i_r", {"Ani_Rahma"}),
    ("1980_101", set()),      # `_` is not a wildcard in a NIP either
    ("19800101", {"Budi Santoso"}),
])
def test_percent_and_underscore_match_themselves(client, login_as, people, page, q, shown):
    login_as("committee")
    html = client.get(PAGES[page].format(id=people.id), query_string={"q": q}).get_data(as_text=True)
    listed = {name for name in ("Budi Santoso", "Rina 100% Hadir", "Ani_Rahma") if name in html}
    assert listed == shown
