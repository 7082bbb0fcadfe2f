"""Security review: regression tests for defects found by attacking the app through the test
client (huge ids, odd query strings, IDOR, role escalation, uploads, invitations)."""
import pytest

from rakor.core.urls import MAX_ID
from tests.factories import make_agency, make_meeting, make_participant, make_quota
from tests.helpers import all_rules

TOO_BIG = str(10**22)


# --- ids beyond 32 bits in a URL are 404, never a 500 ---------------------------------------

def _url_with_ids(app, rule, value):
    values = {}
    for arg in rule.arguments:
        int_arg = rule._converters[arg].__class__.__name__ == "IdConverter"
        values[arg] = 1 if int_arg else "x"
    with app.test_request_context():
        url = rule.build(values, append_unknown=False)[1]
    # Put the huge number where each integer argument is (build() would refuse it).
    parts = url.split("/")
    return "/".join(value if p == "1" else p for p in parts)


@pytest.mark.parametrize("role", ["admin", "committee", "delegate", "leadership"])
def test_huge_ids_in_urls_are_404_for_every_role(app, client, login_as, role):
    login_as(role)
    problems = []
    for rule in all_rules(app):
        if not any(rule._converters[a].__class__.__name__ == "IdConverter" for a in rule.arguments):
            continue
        url = _url_with_ids(app, rule, TOO_BIG)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if response.status_code not in (404, 405):  # 405: another rule of the path
                problems.append(f"{method} {url}: {response.status_code}")
    assert problems == []


def test_largest_32_bit_id_is_a_plain_404(client, login_as):
    login_as("committee")
    assert client.get(f"/meetings/{MAX_ID}").status_code == 404
    assert client.get(f"/meetings/{MAX_ID + 1}").status_code == 404
    assert client.get(f"/admin/users/{MAX_ID + 1}/edit").status_code in (403, 404)


# --- odd query strings: page=-1, huge numbers, '²' (isdigit() but not int()), non-UTF-8 --------

ODD_QUERIES = ("page=-1", f"page={TOO_BIG}", "page=%C2%B2", f"agency={TOO_BIG}", "agency=%C2%B2",
               "year=%C2%B2", f"year={TOO_BIG}", "organizer=%C2%B2", f"organizer={TOO_BIG}",
               "item=%C2%B2", f"item={TOO_BIG}", "q=%FF%FE", "month=%FF", "status=%FF",
               "province=%FF", "q=" + "x" * 5000)


@pytest.mark.parametrize("role", ["admin", "committee", "delegate", "leadership"])
def test_odd_query_strings_never_500(app, client, db, login_as, role):
    agency = make_agency()
    meeting = make_meeting()
    make_quota(meeting, agency)
    make_participant(meeting, agency)
    db.session.commit()
    login_as(role, agency=agency if role == "delegate" else None)
    urls = ["/meetings/", "/meetings/calendar", "/admin/users", "/admin/agencies", "/admin/regions",
            f"/meetings/{meeting.id}/participants", f"/meetings/{meeting.id}/checkin",
            f"/meetings/{meeting.id}/badges", f"/meetings/{meeting.id}/materials/new"]
    problems = []
    for url in urls:
        for query in ODD_QUERIES:
            response = client.get(f"{url}?{query}")
            if response.status_code >= 500 or response.status_code not in (200, 403):
                problems.append(f"{url}?{query[:30]}: {response.status_code}")
    assert problems == []


def test_a_page_beyond_the_end_is_an_empty_page(client, db, login_as):
    login_as("admin")
    response = client.get(f"/admin/users?page={TOO_BIG}")
    assert response.status_code == 200
    assert client.get("/admin/users?page=-1").status_code == 200


def test_int_arg():
    from werkzeug.datastructures import MultiDict

    from rakor.core.urls import int_arg

    args = MultiDict({"a": "12", "b": "²", "c": "-1", "d": TOO_BIG, "e": " 7 ", "f": "x"})
    assert int_arg(args, "a") == 12
    assert int_arg(args, "e") == 7
    assert [int_arg(args, k) for k in "bcdfz"] == [None] * 5
    assert int_arg(args, "a", 1900, 2999) is None


# --- a material whose record cannot be written leaves no file behind --------------------------

def test_material_file_is_removed_when_the_record_cannot_be_flushed(app, db, monkeypatch):
    import io
    from pathlib import Path

    from rakor.meetings import materials

    meeting = make_meeting()
    db.session.commit()
    folder = Path(app.config["UPLOAD_DIR"]) / "materials"
    before = {p.name for p in folder.iterdir()} if folder.exists() else set()

    def failing_flush(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(db.session, "flush", failing_flush)
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    with pytest.raises(RuntimeError):
        materials.add_material(meeting, io.BytesIO(pdf), "paparan.pdf")
    monkeypatch.undo()
    db.session.rollback()
    assert {p.name for p in folder.iterdir()} == before


# --- invitation links: claiming an account ------------------------------------------------------

def _future_meeting_with_link(db):
    from datetime import timedelta

    from rakor.core.types import utcnow
    from rakor.participants import invitations

    agency = make_agency()
    start = utcnow() + timedelta(days=10)
    meeting = make_meeting(starts_at=start, ends_at=start + timedelta(hours=6))
    make_quota(meeting, agency)
    invitation, token = invitations.create_invitation(meeting, agency)
    db.session.commit()
    return meeting, agency, invitation, token


STRONG = "Rencana-Pembangunan-2024"


def _claim(client, token, email, name="Rina Marlina"):
    return client.post(f"/i/{token}/account", data={"name": name, "email": email,
                                                    "password": STRONG, "confirm": STRONG})


def _users_of(db, agency):
    from sqlalchemy import func, select

    from rakor.auth.models import User

    return db.session.scalar(select(func.count(User.id)).where(User.agency_id == agency.id))


def test_claim_form_does_not_say_that_an_email_has_an_account(client, db):
    from tests.factories import make_user

    _meeting, agency, _inv, token = _future_meeting_with_link(db)
    make_user(role="committee", email="pejabat@provinsi.go.id")
    db.session.commit()
    response = _claim(client, token, "Pejabat@Provinsi.go.id")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "sudah ada" not in html and "already exists" not in html
    assert "Email ini tidak dapat dipakai untuk akun baru" in html
    assert 'value="Pejabat@Provinsi.go.id"' in html  # what they typed stays
    assert _users_of(db, agency) == 0


def test_one_account_per_invitation_link(client, db):
    from rakor.participants import invitations

    _meeting, agency, invitation, token = _future_meeting_with_link(db)
    response = _claim(client, token, "rina@kotabaru.go.id")
    assert response.status_code == 302
    client.post("/logout")
    # Someone else holding the same link cannot make a second (or a hundredth) account.
    response = _claim(client, token, "lain@kotabaru.go.id", name="Orang Lain")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "sudah dibuat" in html
    assert "sudah dibuat" in client.get(f"/i/{token}/account").get_data(as_text=True)
    assert _users_of(db, agency) == 1
    # The link itself still registers delegates.
    assert client.get(f"/i/{token}").status_code == 200
    # A new link from the committee allows one more account.
    _new, new_token = invitations.regenerate_invitation(invitation)
    db.session.commit()
    assert _claim(client, new_token, "lain@kotabaru.go.id", name="Orang Lain").status_code == 302
    assert _users_of(db, agency) == 2


def test_claim_refuses_an_email_without_domain(client, db):
    _meeting, agency, _inv, token = _future_meeting_with_link(db)
    response = _claim(client, token, "rina")
    assert response.status_code == 200 and "Alamat email tidak valid." in response.get_data(as_text=True)
    assert _users_of(db, agency) == 0


# --- read-only roles: no state-changing endpoint accepts leadership; admin only its own pages ---

def test_leadership_and_admin_cannot_post_to_meeting_or_participant_endpoints(app, client, db, login_as):
    from rakor.policy import declared_access

    agency = make_agency()
    meeting = make_meeting()
    make_quota(meeting, agency)
    participant = make_participant(meeting, agency)
    db.session.commit()
    # Every signed-in user's own settings and own notices: the language, the password, the private
    # calendar address, the notices.
    harmless = {"auth.logout", "main.set_language", "auth.change_password", "auth.login", "meetings.calendar_feed",
                "notices.open_notice", "notices.mark_read", "notices.mark_all_read",
                # every user's own API tokens (the account menu), like the password
                "api_account.tokens_page", "api_account.revoke"}
    for role in ("leadership", "admin"):
        login_as(role)
        problems = []
        for rule in all_rules(app):
            access = declared_access(rule.endpoint)
            if "POST" not in rule.methods or rule.endpoint in harmless or access[0] == "public":
                continue
            # The administrator's own pages; and an agency's numbering scheme, which the
            # administrator sets up beside the agency (the committee may adjust it).
            if role == "admin" and rule.endpoint.startswith(("admin.", "numbering.scheme_edit", "api_webhooks.")):
                continue
            values = {a: (participant.id if a == "participant_id" else meeting.id) for a in rule.arguments
                      if rule._converters[a].__class__.__name__ == "IdConverter"}
            values.update({a: "x" for a in rule.arguments if a not in values})
            with app.test_request_context():
                url = rule.build(values, append_unknown=False)[1]
            response = client.post(url, data={"seats": "3", "agency_id": agency.id})
            if response.status_code != 403:
                problems.append(f"{role} POST {url}: {response.status_code}")
        assert problems == []


# --- NUL characters: PostgreSQL refuses them in text parameters (a 500), so they are a 400 ------

@pytest.mark.parametrize("method,url,data", [
    ("POST", "/login", {"email": "a\x00b@example.id", "password": "x"}),
    ("GET", "/meetings/?q=a%00b", None),
    ("GET", "/admin/users?q=%00", None),
    ("GET", "/c/abc%00def", None),
    ("GET", "/i/abc%00def", None),
    ("POST", "/meetings/new", {"title": "Rapat\x00"}),
    ("GET", "/meetings/?%00=1", None),
])
def test_nul_characters_are_a_400_not_a_database_error(client, login_as, method, url, data):
    if url != "/login":
        login_as("admin" if url.startswith("/admin") else "committee")
    response = client.open(url, method=method, data=data)
    assert response.status_code == 400
    assert "Permintaan tidak dapat dipahami" in response.get_data(as_text=True)


# --- NIP: exactly 18 ASCII digits (str.isdigit and \d also accept "²" and "١٩٨٠…") --------------

ARABIC_INDIC_NIP = "١٩٦٨٠٥١٢١٩٩٣٠٣١٠٠٧"   # 18 characters, all "digits" to Python
SUPERSCRIPT_NIP = "¹⁹⁶⁸⁰⁵¹²¹⁹⁹³⁰³¹⁰⁰⁷"


@pytest.mark.parametrize("nip", [ARABIC_INDIC_NIP, SUPERSCRIPT_NIP])
def test_participant_nip_must_be_ascii_digits(nip):
    from rakor.core.errors import DomainError
    from rakor.participants.normalize import normalize_nip

    with pytest.raises(DomainError):
        normalize_nip(nip)
    assert normalize_nip("19680512 199303 1 007") == "196805121993031007"


@pytest.mark.parametrize("nip", [ARABIC_INDIC_NIP, SUPERSCRIPT_NIP, "19680512199303100"])
def test_meeting_chair_nip_must_be_18_ascii_digits(db, nip):
    from dataclasses import replace
    from datetime import datetime

    from rakor.core.errors import DomainError
    from rakor.meetings import services

    data = services.MeetingData(
        title="Rakor", kind="rakor", field=None, organizer_agency_id=make_agency().id,
        timezone="Asia/Makassar", starts_at=datetime(2030, 2, 1, 8, 30), ends_at=datetime(2030, 2, 1, 16),
        venue="Aula", city=None, chair_name=None, chair_position=None, chair_nip=None,
        minute_taker_name=None, minute_taker_nip=None, description=None,
        registration_opens_at=None, registration_closes_at=None, follow_up_of_id=None)
    with pytest.raises(DomainError) as refused:
        services._validated_values(replace(data, chair_nip=nip), None)
    assert refused.value.field == "chair_nip"
    assert services._validated_values(replace(data, chair_nip="196805121993031007"), None)["chair_nip"] \
        == "196805121993031007"


# --- a delegate reaches nothing of a draft meeting or of a meeting its agency is not invited to --

def test_delegate_gets_nothing_of_draft_or_uninvited_meetings(app, client, db, login_as):
    from pathlib import Path

    from rakor.meetings.models import Material

    agency = make_agency()
    draft = make_meeting(status="draft", title="Rapat Draf Rahasia")
    make_quota(draft, agency)
    uninvited = make_meeting(title="Rapat Instansi Lain")
    make_quota(uninvited, make_agency())
    login_as("delegate", agency=agency)
    for meeting in (draft, uninvited):
        own = make_participant(meeting, agency)
        folder = Path(app.config["UPLOAD_DIR"]) / "materials"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{meeting.id:032x}.pdf"
        (folder / name).write_bytes(b"%PDF-1.4 secret")
        material = Material(meeting_id=meeting.id, original_filename="rahasia.pdf", stored_name=name,
                            content_type="application/pdf", size=15, sha256="0" * 64)
        db.session.add(material)
        db.session.commit()
        ids = {"meeting_id": meeting.id, "participant_id": own.id, "material_id": material.id}
        problems = []
        for rule in all_rules(app):
            if "meeting_id" not in rule.arguments or "GET" not in rule.methods:
                continue
            values = {a: ids.get(a, 1) for a in rule.arguments}
            values.update({a: "csv" for a in rule.arguments if a == "fmt"})
            with app.test_request_context():
                url = rule.build(values, append_unknown=False)[1]
            response = client.get(url)
            if response.status_code not in (403, 404):
                problems.append(f"{url}: {response.status_code}")
        assert problems == [], meeting.title
    for url in ("/meetings/?scope=all", "/meetings/calendar?month=2024-02", "/"):
        page = client.get(url).get_data(as_text=True)
        assert "Rapat Draf Rahasia" not in page and "Rapat Instansi Lain" not in page
