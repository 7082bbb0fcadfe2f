"""The meeting page loads in a fixed number of SQL queries whatever the agenda length."""
import io
from datetime import UTC, datetime, timedelta

import pytest

from rakor.meetings import materials
from tests.factories import (
    make_agency,
    make_agenda_item,
    make_meeting,
    make_participant,
    make_quota,
    topic_id,
)
from tests.helpers import PDF


def meeting_with_agenda(n, follow_up_of=None):
    start = datetime(2024, 2, 1, 0, 30, tzinfo=UTC)
    meeting = make_meeting(follow_up_of_id=follow_up_of.id if follow_up_of else None,
                           starts_at=start, ends_at=start + timedelta(hours=n + 1))
    agency = make_agency()
    make_quota(meeting, agency)
    make_participant(meeting, agency)
    topics = [topic_id(c) for c in ("IPM", "KEMISKINAN", "STUNTING", "SPM", "KAWASAN_PERDESAAN")]
    for i in range(n):
        item = make_agenda_item(meeting, topic_id=topics[i % 5], free_topic=f"Bebas {i}",
                                starts_at=start + timedelta(hours=i), ends_at=start + timedelta(hours=i + 1),
                                conclusions="Disepakati bersama")
        materials.add_material(meeting, io.BytesIO(PDF), f"bahan-{i}.pdf", agenda_item_id=item.id)
    materials.add_material(meeting, io.BytesIO(PDF), "umum.pdf")
    return meeting


# Queries of one whole render of these meetings (a follow-up: its earlier meeting's block too),
# the signed-in user's row included. Issue 20: 18 and 23 before (a delegate's access rule ran
# once per tab and section, the latest final minutes twice); tests/test_page_query_counts.py
# has the demo meeting's figures.
# 17 after the fresh-render work (h20pages), then at merge: +1 for both, the navbar's unread-notice
# count (h18); +1 for the committee, the meeting's organizer read for the "manages it" rule of
# tenancy (h22ten). Then -1 for both: the unread count is a column of the signed-in user's own
# query (rakor/auth/loading.py); -1 for the committee: the organizer is read with the meeting's
# head (meetings/queries.meeting_head), -1 the minutes' latest final and current revisions in one
# read (minutes/queries.final_and_current). Fixed whatever the agenda's length, as the test asserts.
# Then -4 for the delegate (h20meet): its access rule, its page's kept time and its registration
# right read the seat quota and live invitations in one query (meetings/rules.delegate_access,
# 3 -> 1), and the status history it is not shown is not loaded (-2). Then -1 for the committee:
# the status changes and moves of the date in one read (meetings/queries.meeting_history), and -1
# the check-in desk's figures of people and marks in one UNION ALL (participants/queries.desk_days).
EXPECTED = {"committee": 14, "delegate": 13}


@pytest.mark.parametrize("role", ["committee", "delegate"])
def test_meeting_page_query_count_does_not_grow_with_the_agenda(app, client, db, login_as, role, count_queries):
    earlier = make_meeting(status="held")
    for _ in range(3):
        make_agenda_item(earlier, topic_id=topic_id("SPM"))
    small, large = meeting_with_agenda(1, earlier), meeting_with_agenda(20, earlier)
    agency = make_agency()
    make_quota(small, agency), make_quota(large, agency)
    login_as(role, agency=agency if role == "delegate" else None)
    db.session.commit()
    counts = {}
    for meeting, n in ((small, 1), (large, 20)):
        client.get(f"/meetings/{meeting.id}")  # warm up (first-request work is not per page)
        app.extensions["rakor.page_cache"].__init__()  # a full render, not the kept fragment
        with count_queries() as queries:
            response = client.get(f"/meetings/{meeting.id}")
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert page.count('data-item-id=') == n and f"bahan-{n - 1}.pdf" in page
        assert 'id="follow-up"' in page
        counts[n] = len(queries.selects)
    print(f"\nmeeting page SQL queries ({role}): {counts}")
    assert counts[1] == counts[20] == EXPECTED[role]
