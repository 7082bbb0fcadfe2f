"""With nothing coming up, the dashboard and the meeting list show the latest past meetings
instead of an empty card (issue 12, first impressions)."""
from datetime import UTC, datetime, timedelta

from rakor.core.types import utcnow
from tests.factories import make_meeting


def past(title, days_ago, **fields):
    start = datetime(2024, 1, 1, 1, tzinfo=UTC) + timedelta(days=400 - days_ago)
    return make_meeting(title=title, starts_at=start, ends_at=start + timedelta(hours=7), **fields)


def test_dashboard_shows_recent_meetings_when_none_is_upcoming(client, db, login_as):
    login_as("committee")
    past("Rakor Lama", 30)
    past("Rakor Batal", 10, status="cancelled")
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'id="no-upcoming"' in html and "Rapat terakhir" in html
    assert "Rakor Lama" in html and "Rakor Batal" not in html


def test_dashboard_lists_upcoming_meetings_only_when_there_are_some(client, db, login_as):
    login_as("committee")
    past("Rakor Lama", 30)
    start = utcnow() + timedelta(days=3)
    make_meeting(title="Rakor Mendatang", starts_at=start, ends_at=start + timedelta(hours=7))
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Rakor Mendatang" in html and "Rakor Lama" not in html and 'id="no-upcoming"' not in html


def test_meeting_list_shows_recent_meetings_under_an_empty_upcoming_list(client, db, login_as):
    login_as("committee")
    for i in range(7):
        past(f"Rakor Ke-{i}", 10 + i)
    db.session.commit()
    html = client.get("/meetings/").get_data(as_text=True)
    recent = html[html.index('id="recent-meetings"'):]
    assert "Rakor Ke-0" in recent and "Rakor Ke-4" in recent and "Rakor Ke-5" not in recent
    assert recent.index("Rakor Ke-0") < recent.index("Rakor Ke-4")  # newest first
    # A filtered search that finds nothing stays empty: the user asked for something else.
    html = client.get("/meetings/", query_string={"q": "tidak ada"}).get_data(as_text=True)
    assert 'id="recent-meetings"' not in html
