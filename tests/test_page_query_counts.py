"""Issue 20: each main page, rendered whole (no kept copy), runs a fixed number of SQL queries
on the demo data, the signed-in user's own row included: the figures bench/fresh_pages.py
states per page (on PostgreSQL; the same here on SQLite). A change that adds a query to a page
changes its figure here, on purpose or not. Before issue 20: meeting 15 (committee) and 17
(delegate: its access rule ran once per tab and section), home 11."""
import pytest
from sqlalchemy import func, select

from rakor import demo
from rakor.auth.models import User
from rakor.commitments.models import Commitment
from rakor.regions.models import Agency, Region

COMMITTEE = "panitia@demo.rakor.id"
DELEGATE = "delegasi.kotabaru@demo.rakor.id"
LEADERSHIP = "pimpinan@demo.rakor.id"

# At merge, from h20pages' counts: +1 on every page, the navbar's unread-notice count (h18); +1 for
# a reader with an agency (the demo's committee and leadership), the extra agencies it acts for
# (tenancy, h22ten); +1 on the committee's meeting page, the organizer for the "manages it" rule.
# Then both per-user reads became columns of the signed-in user's own query
# (rakor/auth/loading.py): -2 for the committee and leadership, -1 for the delegate; and the
# committee's meeting page reads the organizer with the meeting's head row (-1) and the minutes'
# latest final and current revisions in one query (-1); home reads no notices when the count
# loaded with the user is 0 (-1). The participants page reads its rows and their total in one
# query (count(*) OVER (), participants/queries.py CountedRowPagination): -1. The progress matrix
# reads its regions' and topics' names in one UNION ALL (progress/stats.py _names): -1 on home,
# the progress dashboard and a region's progress. The commitments page reads its filters' topics
# and regions in one UNION ALL (commitments/queries.py filter_choices): -1. The tally rows carry
# the overdue sum (progress/stats.py tallied_summary): -1 on home and the progress dashboard.
# The delegate's meeting page: its access rule, kept time and registration right in one query
# (-2), the status history it is not shown left unloaded (-2). The committee's meeting page reads
# the status changes and moves of the date in one UNION ALL (meetings/queries.meeting_history): -1,
# and the check-in desk's figures of people and marks in one UNION ALL (participants/queries.desk_days,
# also home's check-in panel on a meeting day): -1.
# The progress dashboard reads its filters' regions and topics in one UNION ALL, and the chosen
# region's row is one of them (progress/queries.py filter_choices): -2.
PAGES = [  # (page, reader, path, text the page must show, queries of one render)
    ("meeting (committee)", COMMITTEE, "/meetings/{meeting}", 'id="agenda"', 11),
    ("meeting (delegate)", DELEGATE, "/meetings/{meeting}", 'id="agenda"', 9),
    ("commitments", COMMITTEE, "/meetings/{meeting}/commitments", 'id="status-counts"', 4),
    ("participants", COMMITTEE, "/meetings/{meeting}/participants", 'id="participants-table"', 5),
    ("home", COMMITTEE, "/", 'id="panel-upcoming-meetings"', 7),
    ("progress dashboard", LEADERSHIP, "/progress", 'id="progress-matrix"', 7),
    ("region progress", LEADERSHIP, "/progress/regions/{region}", 'id="region-progress"', 5),
]


def busiest_regency():
    """The regency or city with the most commitments (bench/pages.py picks the same)."""
    return demo.db.session.scalar(
        select(Agency.region_id).join(Commitment, Commitment.agency_id == Agency.id)
        .join(Region, Region.id == Agency.region_id).where(Region.kind != "provinsi")
        .group_by(Agency.region_id, Region.kemendagri_code)
        .order_by(func.count().desc(), Region.kemendagri_code).limit(1))


@pytest.mark.demo
@pytest.mark.parametrize("page, email, path, marker, expected", PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_in_a_fixed_number_of_queries(app, client, db, count_queries, page, email, path, marker,
                                                   expected):
    meeting_id = demo.load().meeting_id
    path = path.format(meeting=meeting_id, region=busiest_regency())
    user = db.session.scalar(select(User).where(User.email == email))
    db.session.commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
    assert client.get(path).status_code == 200  # the first request's one-off work (CSRF token)
    cache = app.extensions.get("rakor.page_cache")
    if cache is not None:
        cache.__init__()  # a whole render, not a kept copy
    with count_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200 and marker in response.get_data(as_text=True)
    assert len(queries.statements) == expected, "\n".join(queries.statements)
