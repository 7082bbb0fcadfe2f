"""Issue 8, defect 3: control, bidi and zero-width characters never reach the database through
a form. One ESC in a name typed through a public invitation link used to make the committee's
XLSX export answer 500 (openpyxl refuses control characters)."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from wtforms import StringField, TextAreaField

from rakor.core.forms import BaseForm
from rakor.core.types import utcnow
from rakor.extensions import db as _db
from rakor.participants import invitations as inv_service
from rakor.participants.models import Participant
from tests.factories import make_agency, make_meeting, make_quota

DIRTY_NAME = "Siti\x1b Rah\u202emah\u200b, S.Sos\x01\x7f"
CLEAN_NAME = "Siti Rahmah, S.Sos"


def _delegate(**overrides):
    data = {"name": DIRTY_NAME, "nip": "", "position": "Kepala\x1b[31m Bidang", "phone": "081234567890",
            "email": "", "gender": "P"}
    data.update(overrides)
    return data


@pytest.fixture
def meeting_and_agency(db):
    from datetime import timedelta

    start = utcnow().replace(microsecond=0) + timedelta(days=10)
    meeting = make_meeting(starts_at=start, ends_at=start + timedelta(hours=7))
    agency = make_agency()
    make_quota(meeting, agency, seats=2)
    return meeting, agency


def _stored(meeting):
    return _db.session.scalars(select(Participant).where(Participant.meeting_id == meeting.id)).all()


def _export_is_clean(client, login_as, meeting):
    login_as("committee")
    response = client.get(f"/meetings/{meeting.id}/participants/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).active
    assert ws["A2"].value == CLEAN_NAME


def test_public_invitation_registration_stores_clean_text_and_the_export_works(
        client, login_as, meeting_and_agency):
    m, agency = meeting_and_agency
    _inv, token = inv_service.create_invitation(m, agency)
    _db.session.commit()
    assert client.post(f"/i/{token}", data=_delegate()).status_code == 302
    _export_is_clean(client, login_as, m)
    (participant,) = _stored(m)
    assert participant.name == CLEAN_NAME
    assert participant.position == "Kepala[31m Bidang"


def test_committee_participant_form_stores_clean_text_and_the_export_works(
        client, login_as, meeting_and_agency):
    m, agency = meeting_and_agency
    login_as("committee")
    data = {**_delegate(), "agency_id": agency.id, "meeting_role": "peserta"}
    assert client.post(f"/meetings/{m.id}/participants/new", data=data).status_code == 302
    _export_is_clean(client, login_as, m)
    (participant,) = _stored(m)
    assert participant.name == CLEAN_NAME


class _Custom(StringField):
    """A project-specific text field: cleaned because it is a StringField, whatever its name."""


class _Sample(BaseForm):
    class Meta:
        csrf = False

    line = StringField()
    custom = _Custom()
    notes = TextAreaField()


@pytest.mark.parametrize("field", ["line", "custom"])
def test_every_single_line_text_field_is_cleaned_and_stripped(app, field):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        form = _Sample(formdata=MultiDict({field: "  \u200bA\tB\x1b\u202e\r\nC \x00 "}))
        assert getattr(form, field).data == "A B C"


def test_multi_line_text_keeps_its_line_breaks(app):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        form = _Sample(formdata=MultiDict({"notes": " Baris 1\r\nBaris\x1b 2\u2028\n\tBaris 3 "}))
        assert form.notes.data == "Baris 1\nBaris 2\n\tBaris 3"


def test_every_form_of_the_app_derives_from_base_form(app):
    """The cleaning (and the refusal of files in text fields) lives in BaseForm only: a form
    built on FlaskForm or wtforms.Form directly would skip it."""
    import re
    from pathlib import Path

    import wtforms

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    strays = {f"{c.__module__}.{c.__qualname__}" for c in subclasses(wtforms.form.BaseForm)
              if c.__module__.startswith("rakor.") and not issubclass(c, BaseForm)}
    root = Path(__file__).resolve().parents[2] / "rakor"
    direct = re.compile(r"\bFlaskForm\b|\bwtforms\.Form\b|from wtforms import[^\n]*\bForm\b")
    strays |= {str(p.relative_to(root)) for p in root.rglob("*.py")
               if p.name != "forms.py" or p.parent.name != "core"
               if direct.search(p.read_text(encoding="utf-8"))}
    assert strays == set()
