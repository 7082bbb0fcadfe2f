"""A form field sent twice (issue 19 item 10): the forms answer a page with an error or their
normal redirect, never a 500. Each form is read from its page (its fields and the values the
page fills in, completed to a valid submission), then sent with one field doubled at a time:
the second value the same, a time, a date, a number and text, and a blank first value (WTForms'
Optional() looks only at the first one)."""
import re
from datetime import UTC, datetime

from werkzeug.datastructures import MultiDict

from tests.factories import make_agenda_item, make_meeting

FORM = re.compile(r"<form(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(?P<kind>input|select|textarea)\b(?P<attrs>[^>]*)>(?P<inner>(?:(?!</?(?:select|textarea)\b).)*)",
                   re.S | re.I)
SECONDS = ("09.00", "2030-02-01", "x", "9" * 30)


def _attr(tag, name):
    match = re.search(rf'\b{name}="([^"]*)"', tag)
    return match.group(1).replace("&amp;", "&") if match else None


def forms_of(html):
    """(action, MultiDict of the fields with the values the page gives them), POST forms only,
    the navbar's sign-out and language forms left out."""
    for match in FORM.finditer(html):
        action = _attr(match["attrs"], "action") or ""
        if 'method="post"' not in match["attrs"].lower() or action in ("/logout", "/language"):
            continue
        data = MultiDict()
        for field in FIELD.finditer(match["body"]):
            attrs, name, kind = field["attrs"], _attr(field["attrs"], "name"), field["kind"].lower()
            if not name or _attr(attrs, "type") in ("file", "submit"):
                continue
            if _attr(attrs, "type") in ("checkbox", "radio") and "checked" not in attrs:
                continue
            if kind == "select":
                options = re.findall(r"<option([^>]*)>", field["inner"])
                chosen = [o for o in options if "selected" in o] or [o for o in options if _attr(o, "value")]
                data.add(name, _attr(chosen[0], "value") if chosen else "")
            elif kind == "textarea":
                data.add(name, field["inner"].strip())
            else:
                data.add(name, _attr(attrs, "value") or "")
        yield action, data


def variants(data):
    for name in list(data):
        for second in (data.get(name), *SECONDS):
            doubled = data.copy()
            doubled.add(name, second)
            yield name, doubled
            blank_first = data.copy()
            blank_first.setlist(name, ["", second])
            yield name, blank_first


def post_every_variant(client, db, page, **filled):
    html = client.get(page).get_data(as_text=True)
    found = list(forms_of(html))
    assert found, f"no form on {page}"
    failures = []
    for action, data in found:
        for name, value in filled.items():
            if name in data:
                data[name] = value
        for name, variant in variants(data):
            try:
                status = client.post(action or page, data=variant).status_code
            except Exception as error:  # TESTING propagates what would be a 500
                status = f"{type(error).__name__}: {error}"
            if not isinstance(status, int) or status >= 500:
                failures.append(f"{action or page} {name}={variant.getlist(name)}: {status}")
            db.session.rollback()
    return failures


def test_the_meeting_and_agenda_forms_survive_a_doubled_field(client, db, login_as):
    login_as("committee")
    meeting = make_meeting(status="scheduled", starts_at=datetime(2030, 2, 1, 0, 0, tzinfo=UTC),
                           ends_at=datetime(2030, 2, 1, 8, 0, tzinfo=UTC))
    item = make_agenda_item(meeting, title="Pembukaan", starts_at=datetime(2030, 2, 1, 1, 0, tzinfo=UTC),
                            ends_at=datetime(2030, 2, 1, 2, 0, tzinfo=UTC))
    db.session.commit()
    failures = []
    failures += post_every_variant(client, db, f"/meetings/{meeting.id}/agenda/new",
                                   title="Paparan", start_time="03.00", end_time="04.00")
    failures += post_every_variant(client, db, f"/meetings/{meeting.id}/agenda/{item.id}/edit")
    failures += post_every_variant(client, db, f"/meetings/{meeting.id}/edit")
    assert not failures, failures
