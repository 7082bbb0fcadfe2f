"""The meeting page's fragments kept apart (rakor/core/page_cache.py, meetings/views/meeting.py):
a check-in, a commitment or a failed e-mail re-renders only the section that shows it, the
change is on the next view of every reader, and no fragment shows what its scopes do not cover
(else a change would leave it stale) nor what another viewer class may not see."""
import re
from collections import Counter

import pytest

from rakor.core import page_cache
from rakor.extensions import db as _db
from rakor.mail.models import FAILED, OutboundMail
from tests.factories import (
    first_agency_commitment,
    make_agenda_item,
    make_commitment,
    make_participant,
    make_user,
)
from tests.helpers import client_of, meeting_part_tables

# The tables of each part of a meeting's data: a fragment that reads one of them must name the
# part's scope (their rows move that scope only).
PART_TABLES = meeting_part_tables()
TOTALS = re.compile(r'id="participants-totals">(.*?)</div>', re.S)


@pytest.fixture
def day(cm):
    """The commitments' setting (every agency has a quota) as a meeting day: held, with an agenda
    item, one delegate of the first agency registered, one agreed commitment."""
    cm.meeting.status = "held"
    cm.item = make_agenda_item(cm.meeting, title="Paparan Kemiskinan Ekstrem")
    cm.person = make_participant(cm.meeting, cm.agencies[0], name="Rahmadi Hadir")
    make_commitment(cm.meeting, cm.committee, first_agency_commitment(cm))
    _db.session.commit()
    return cm


def view(client, meeting):
    response = client.get(f"/meetings/{meeting.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True), response.headers.get("X-Page-Cache")


def _fail_a_mail(meeting, subject):
    mail = OutboundMail(kind="registration_confirmation", to_address="rahmadi@example.id", subject=subject,
                        text_body="-", meeting_id=meeting.id, status=FAILED, last_error="550 mailbox unavailable")
    _db.session.add(mail)
    _db.session.commit()


def test_a_check_in_re_renders_only_the_participants_section_and_shows(app, db, day, page_cache_header):
    client = client_of(app, day.committee)
    view(client, day.meeting)  # the welcome flash, if any, is shown here
    html, _h = view(client, day.meeting)
    before = TOTALS.search(html).group(1)
    assert client.post(f"/meetings/{day.meeting.id}/checkin/{day.person.id}",
                       headers={"Accept": "application/json"}).status_code == 200
    html, found = view(client, day.meeting)
    assert found == "kept:miss,together:miss,miss,hit,failed_mail:hit,participants:miss,commitments:hit"
    after = TOTALS.search(html).group(1)
    assert after != before and re.sub(r"\D+", " ", after).split()[-1] == "1"  # one present now
    assert client.post(f"/meetings/{day.meeting.id}/checkin/{day.person.id}/undo",
                       headers={"Accept": "application/json"}).status_code == 200
    html, _h = view(client, day.meeting)
    assert TOTALS.search(html).group(1) == before


def test_a_commitment_submitted_re_renders_only_the_commitments_section_and_shows(app, db, day, page_cache_header):
    from rakor.commitments import services

    client = client_of(app, day.delegate)
    view(client, day.meeting)
    html, _h = view(client, day.meeting)
    assert 'id="commitments-section"' in html or "commitment" in html
    section_before = _section(html, "commitments")
    with app.test_request_context():
        services.create_commitment(day.meeting, first_agency_commitment(day, title="Program baru"), day.delegate,
                                   submit=True)
    _db.session.commit()
    html, found = view(client, day.meeting)
    assert found == "kept:miss,together:miss,miss,hit,failed_mail:hit,participants:hit,commitments:miss"
    assert _section(html, "commitments") != section_before


def _section(html, key):
    """The html of the section kept apart as `key`, as the page shows it."""
    starts = {"commitments": 'id="commitment', "participants": 'id="participants-section"'}[key]
    at = html.index(starts)
    return html[at:html.index("</section>", at)]


def test_a_failed_mail_shows_to_the_committee_only_and_keeps_the_rest(app, db, day, page_cache_header):
    committee, delegate = client_of(app, day.committee), client_of(app, day.delegate)
    for client in (committee, delegate):
        view(client, day.meeting)
    _fail_a_mail(day.meeting, "Konfirmasi pendaftaran Rahmadi")
    html, found = view(committee, day.meeting)
    assert "Konfirmasi pendaftaran Rahmadi" in html
    assert found == "kept:miss,together:miss,miss,hit,failed_mail:miss,participants:hit,commitments:hit"
    html, _found = view(delegate, day.meeting)
    assert "Konfirmasi pendaftaran Rahmadi" not in html


def test_a_change_of_the_agenda_re_renders_every_fragment(app, db, day, page_cache_header):
    client = client_of(app, day.committee)
    view(client, day.meeting)
    day.item.title = "Paparan Kemiskinan Ekstrem (revisi)"
    _db.session.commit()
    html, found = view(client, day.meeting)
    assert "Paparan Kemiskinan Ekstrem (revisi)" in html
    # The meeting's own scope covers its row, quotas and invitations, which the sections read too.
    assert found == "kept:miss,together:miss,miss,miss,failed_mail:miss,participants:miss,commitments:miss"


def test_sections_are_kept_per_viewer_class(app, db, day):
    """A delegate of another agency never gets the first agency's section (its own figures), nor
    a delegate the committee's desk figures."""
    from tests.factories import make_user

    committee = client_of(app, day.committee)
    first, second = client_of(app, day.delegate), client_of(app, day.other_delegate)
    committee.post(f"/meetings/{day.meeting.id}/checkin/{day.person.id}", headers={"Accept": "application/json"})
    pages = {name: view(client, day.meeting)[0] for name, client in
             (("committee", committee), ("first", first), ("second", second))}
    assert 'id="section-checkin-desk"' in pages["committee"]
    assert 'id="section-checkin-desk"' not in pages["first"]
    assert _section(pages["first"], "participants") != _section(pages["second"], "participants")
    # The same class shares the fragment: a second delegate of the first agency sees its section.
    again = client_of(app, make_user("delegate", agency=day.agencies[0]))
    _db.session.commit()
    assert _section(view(again, day.meeting)[0], "participants") == _section(pages["first"], "participants")


def test_the_commitments_and_participants_pages_show_a_change_at_once(app, db, day, page_cache_header):
    """Their content is kept per viewer class: a check-in re-renders the participants page (and
    not the commitments page), a commitment submitted the commitments page."""
    from rakor.commitments import services

    same_agency = make_user("delegate", agency=day.delegate.agency)  # a new account moves every page
    _db.session.commit()
    committee, delegate = client_of(app, day.committee), client_of(app, day.delegate)
    committee.get("/")
    delegate.get("/")
    participants, commitments = (f"/meetings/{day.meeting.id}/{page}" for page in ("participants", "commitments"))
    before = committee.get(participants).get_data(as_text=True)
    # The reader's whole page kept (meetings/web.py kept_for_reader), around the content kept for
    # the viewer class.
    assert committee.get(participants).headers["X-Page-Cache"] == "kept:hit"
    assert delegate.get(commitments).headers["X-Page-Cache"] == "kept:miss,together:miss,miss,commitments:miss"
    assert committee.post(f"/meetings/{day.meeting.id}/checkin/{day.person.id}",
                          headers={"Accept": "application/json"}).status_code == 200
    response = committee.get(participants)
    assert response.headers["X-Page-Cache"] == "kept:miss,together:miss,miss,participants:miss"
    assert response.get_data(as_text=True) != before
    assert delegate.get(commitments).headers["X-Page-Cache"] == "kept:hit"
    # Another delegate of the same agency: its own page, around the content its class shares.
    assert client_of(app, same_agency).get(commitments).headers["X-Page-Cache"] == "kept:miss,together:miss,miss,commitments:hit"
    with app.test_request_context():
        services.create_commitment(day.meeting, first_agency_commitment(day, title="Pendampingan desa lokus"),
                                   day.delegate, submit=True)
    _db.session.commit()
    response = delegate.get(commitments)
    assert response.headers["X-Page-Cache"] == "kept:miss,together:miss,miss,commitments:miss"
    assert "Pendampingan desa lokus" in response.get_data(as_text=True)
    # The other agency's delegate: its own class, never the first agency's drafts and submissions.
    other = client_of(app, day.other_delegate).get(commitments).get_data(as_text=True)
    assert "Pendampingan desa lokus" not in other


@pytest.mark.parametrize("page", ["meeting", "participants", "commitments"])
@pytest.mark.parametrize("role", ["committee", "delegate", "leadership"])
def test_every_fragment_reads_only_the_parts_its_scopes_cover(app, db, day, count_queries, monkeypatch, role,
                                                              page):
    """What each fragment's render reads, by table: a part's tables only where its scope is
    named. A section or query added later that reads participants in the body fails here. The
    reader's shell (the page around its content, kept by fewer scopes) is judged by what the page
    read outside the fragments inside it."""
    _fail_a_mail(day.meeting, "Undangan gagal")
    read = {}
    real = page_cache.fragment

    def spy(key, scopes, render, ttl=None, name=None, shell=None, read_ahead=False):
        def recorded():
            with count_queries() as log:
                html = render()
            read[name or ("reader page" if ":reader:" in key else "body")] = (set(scopes), log.statements)
            if shell is not None:
                outside = Counter(log.statements)
                for inner_name, (_scopes, inner) in read.items():
                    if inner_name != "reader page":
                        outside -= Counter(inner)
                read["shell"] = (set(shell.scopes), list(outside.elements()))
            return html
        return real(key, scopes, recorded, ttl, name, shell, read_ahead)

    monkeypatch.setattr(page_cache, "fragment", spy)
    user = {"committee": day.committee, "delegate": day.delegate, "leadership": day.leadership}[role]
    if page == "meeting":
        html, _h = view(client_of(app, user), day.meeting)
        assert "Paparan Kemiskinan Ekstrem" in html
        assert {"body", "participants", "commitments", "failed_mail", "shell"} <= set(read)
    else:
        assert client_of(app, user).get(f"/meetings/{day.meeting.id}/{page}").status_code == 200
        assert set(read) == {page, "reader page", "shell"}  # the reader's whole page around the content
    for name, (scopes, statements) in read.items():
        if name == "reader page" and page == "meeting":
            continue  # names every scope of the meeting
        for part, tables in PART_TABLES.items():
            if page_cache.meeting_part_scope(day.meeting.id, part) in scopes:
                continue
            pattern = re.compile(r"\b(FROM|JOIN)\s+\"?(" + "|".join(tables) + r")\"?(\s|$)", re.I)
            offending = [s for s in statements if pattern.search(s)]
            assert not offending, f"{name} reads {part} without its scope: {offending[0][:200]}"
    # And a fragment does read what it is kept by (the check above is not vacuous).
    if "participants" in read:
        assert re.search(r"\bFROM\s+\"?participant\b", " ".join(read["participants"][1]), re.I)
    if "commitments" in read:
        assert re.search(r"\bFROM\s+\"?commitment\b", " ".join(read["commitments"][1]), re.I)


def test_kept_content_is_not_shared_between_viewers_acting_for_different_agencies(app, db, day):
    """Two committee members of the organizer, one of whom the administrator also made act for
    another agency (tenancy): the rules and the agency choices differ, so their kept content must
    too (the key named only the role and the own agency)."""
    from flask_login import login_user

    from rakor.auth import services as account_services
    from rakor.meetings.web import viewer_key
    from rakor.regions.models import Agency
    from tests.factories import make_agency, make_user

    organizer = _db.session.get(Agency, day.meeting.organizer_agency_id)
    plain, helper = make_user("committee", agency=organizer), make_user("committee", agency=organizer)
    account_services.set_extra_agencies(helper, [make_agency().id])
    _db.session.commit()
    keys = {}
    for name, user in (("plain", plain), ("helper", helper), ("plain again", plain)):
        with app.test_request_context():
            login_user(user)
            keys[name] = viewer_key("meeting-body", day.meeting.id)
    assert keys["plain"] != keys["helper"]
    assert keys["plain"] == keys["plain again"]
