"""The 429 page offers a way back that works: it says how long the limit really holds, and its
"try again" link leads to the page that was refused (issue 12)."""
import re

import pytest

import config
from rakor.extensions import limiter
from rakor.participants import invitations
from tests.factories import make_quota


@pytest.fixture
def invited(province_meeting):
    """(meeting, agency, None, token): an invitation link of agency 1."""
    m, a1 = province_meeting.meeting, province_meeting.agencies[0]
    make_quota(m, a1, seats=2)
    _inv, token = invitations.create_invitation(m, a1)
    return m, a1, None, token


@pytest.fixture
def invitation_limit(app):
    def set_limit(value):
        app.config["INVITATION_RATE_LIMIT"] = value
        limiter.reset()
    yield set_limit
    app.config["INVITATION_RATE_LIMIT"] = config.TestConfig.INVITATION_RATE_LIMIT
    limiter.reset()


def refused(client, url, allowed):
    for _ in range(allowed):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    return response.get_data(as_text=True)


def test_an_hourly_limit_says_minutes_not_wait_a_minute(client, invited, invitation_limit):
    token = invited[3]
    invitation_limit("2 per hour")
    html = refused(client, f"/i/{token}", 2)
    wait = re.search(r"Tunggu (\d+) menit, lalu coba lagi", html)
    assert wait and 55 <= int(wait.group(1)) <= 60
    assert "Tunggu satu menit" not in html
    assert f'id="error-retry" href="/i/{token}"' in html


def test_a_short_limit_says_seconds_and_the_retry_link_works_after_it(client, invited, invitation_limit):
    token = invited[3]
    invitation_limit("2 per minute")
    html = refused(client, f"/i/{token}", 2)
    wait = re.search(r"Tunggu (\d+) detik, lalu coba lagi", html)
    assert wait and 1 <= int(wait.group(1)) <= 61  # reset_at is whole seconds
    retry = re.search(r'id="error-retry" href="([^"]+)"', html).group(1)
    limiter.reset()  # the wait is over
    assert client.get(retry).status_code == 200
