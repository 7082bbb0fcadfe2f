"""Badges put the person first: name, role label, agency; then the meeting in small type, its
day and venue, the organizer with its logo, and the QR code (issue 12, item 7)."""
import io
import re

from PIL import Image

from rakor.extensions import db
from rakor.regions import logos
from rakor.regions.models import Agency
from tests.factories import make_participant


def _text_order(html, *texts):
    positions = [html.index(t) for t in texts]
    return positions == sorted(positions)


def test_a_badge_reads_person_first_then_the_meeting(client, login_as, province_meeting):
    m, a = province_meeting.meeting, province_meeting.agencies[0]
    organizer = db.session.get(Agency, m.organizer_agency_id)
    p = make_participant(m, a, name="Ir. H. Rahmadi, M.T.", meeting_role="narasumber", position="Kepala Bappeda")
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/participants/{p.id}/badge").get_data(as_text=True)
    badge = html[html.index('<article class="participant-badge"'):html.index("</article>")]
    assert 'data-role="narasumber"' in badge
    assert re.search(r'<div class="badge-role">\s*Narasumber\s*</div>', badge)  # CSS writes it in capitals
    assert _text_order(badge, "Ir. H. Rahmadi, M.T.", "Narasumber", a.name, "Kepala Bappeda",
                       m.title, m.venue, 'class="badge-logo"', organizer.name, 'class="badge-qr"')
    assert 'src="/static/img/logo.svg"' in badge  # the organizer has no logo of its own yet


def test_the_organizers_own_logo_is_served_once_by_url(app, client, login_as, province_meeting):
    m = province_meeting.meeting
    organizer = db.session.get(Agency, m.organizer_agency_id)
    for i in range(3):
        make_participant(m, province_meeting.agencies[0], name=f"Peserta Logo {i}")
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 110, 60)).save(buf, "PNG")
    organizer.logo_stored_name = logos.store_logo(buf.getvalue())
    login_as("committee")
    html = client.get(f"/meetings/{m.id}/badges").get_data(as_text=True)
    logo_url = f"/agencies/{organizer.id}/logo"
    assert html.count(f'src="{logo_url}"') == 3 and "data:image" not in html
    response = client.get(logo_url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.data == buf.getvalue() and response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/agencies/{province_meeting.agencies[1].id}/logo").status_code == 404  # none set
    assert client.get("/agencies/999999/logo").status_code == 404
