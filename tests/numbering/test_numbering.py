"""Numbers of official documents: the sequence per agency and year, the template, a number typed
from the central mail office, never a number given twice, the register and its export."""
import csv
import io
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from rakor.core.errors import DomainError
from rakor.extensions import db
from rakor.numbering import queries
from rakor.numbering.models import DocumentKind
from rakor.numbering.schemes import check_template, format_number
from rakor.numbering.services import (
    NumberTakenError,
    SchemeData,
    document_key,
    record_number,
    reserve_number,
    save_scheme,
)
from tests.factories import make_agency, make_meeting

FEB_2024 = datetime(2024, 2, 1, 2, 0, tzinfo=UTC)
JAN_2025_LOCAL = datetime(2024, 12, 31, 17, 0, tzinfo=UTC)  # 1 January 2025, 01.00 WITA


def reserve(agency, n, kind=DocumentKind.INVITATION, at=FEB_2024):
    return reserve_number(agency.id, kind, key=f"{kind}:meeting:{n}", subject=f"Rapat {n}", at=at)


def test_numbers_follow_the_template_and_one_sequence_per_agency_and_year(app, db):
    agency, other = make_agency(), make_agency()
    save_scheme(agency.id, SchemeData(template="000.1.5/{seq}/Bappeda/{year}",
                                      minutes_template="000.1.6/{seq:3}/Bappeda/{month_roman}/{year}"))
    assert reserve(agency, 1).number == "000.1.5/1/Bappeda/2024"
    assert reserve(agency, 2, DocumentKind.MINUTES).number == "000.1.6/002/Bappeda/II/2024"
    assert reserve(agency, 3, DocumentKind.AGREEMENT).number == "000.1.5/3/Bappeda/2024"
    assert reserve(other, 1).number == "000.1.5/1/Bappeda/2024"  # each agency counts alone
    # The year is the local one: 01.00 WITA on 1 January starts 2025 at 1.
    assert reserve(agency, 4, at=JAN_2025_LOCAL).number == "000.1.5/1/Bappeda/2025"
    assert reserve(agency, 5).number == "000.1.5/4/Bappeda/2024"


def test_the_same_document_keeps_its_number(app, db):
    agency = make_agency()
    first = reserve(agency, 7)
    again = reserve(agency, 7)
    assert again.id == first.id and again.number == first.number
    assert reserve(agency, 8).seq == first.seq + 1


def test_a_typed_number_is_registered_skipped_by_the_sequence_and_never_given_twice(app, db):
    agency = make_agency()
    meeting = make_meeting(organizer_agency_id=agency.id)
    key = document_key("invitation", meeting.id)
    typed = record_number(agency.id, "invitation", "  000.1.5/2/Bappeda/2024 ", key=key, subject="Undangan",
                          meeting_id=meeting.id, at=FEB_2024)
    assert (typed.number, typed.is_manual, typed.seq) == ("000.1.5/2/Bappeda/2024", True, None)
    assert queries.number_for(agency.id, key).id == typed.id
    assert reserve(agency, 100).number == "000.1.5/1/Bappeda/2024"
    assert reserve(agency, 101).number == "000.1.5/3/Bappeda/2024"  # 2 was typed: skipped
    with pytest.raises(NumberTakenError) as err:
        record_number(agency.id, "minutes", "000.1.5/3/Bappeda/2024", key="minutes:meeting:9", subject="x")
    assert "000.1.5/3/Bappeda/2024" in str(err.value.message) and err.value.field == "number"
    with pytest.raises(DomainError) as err:  # a numbered document keeps its number
        record_number(agency.id, "invitation", "000.1.5/99/Bappeda/2024", key=key, subject="Undangan")
    assert "000.1.5/2/Bappeda/2024" in str(err.value.message)
    assert record_number(agency.id, "invitation", "000.1.5/2/Bappeda/2024", key=key, subject="U").id == typed.id


@pytest.mark.parametrize("number", ["", "   ", "abc", "x" * 101, "<script>1</script>"])
def test_a_typed_number_must_look_like_one(app, db, number):
    agency = make_agency()
    with pytest.raises(DomainError) as err:
        record_number(agency.id, "invitation", number, key="invitation:meeting:1", subject="x")
    assert err.value.field == "number"


@pytest.mark.parametrize("template,message", [
    ("000.1.5/Bappeda/{year}", "{seq}"),
    ("000.1.5/{seq}/{seq}/{year}", "{seq}"),
    ("000.1.5/{seq}/{unit}/{year}", "{unit}"),
    ("000.1.5/{seq}/<b>/{year}", "huruf"),
    ("", "Isikan"),
])
def test_a_template_needs_seq_and_known_placeholders(app, db, template, message):
    with pytest.raises(DomainError) as err:
        check_template(template)
    assert message in str(err.value.message)


def test_format_number_pads_and_writes_the_month():
    day = datetime(2024, 11, 5).date()
    assert format_number("{seq:4}/B/{month}/{month_roman}/{year}", 12, day) == "0012/B/11/XI/2024"


def test_register_page_and_export(client, login_as, app):
    agency = make_agency(short_name="Bappeda Uji")
    meeting = make_meeting(organizer_agency_id=agency.id)
    reserve_number(agency.id, "invitation", key=document_key("invitation", meeting.id),
                   subject="Undangan Rakor Uji", addressee="Bupati se-Kalsel", meeting_id=meeting.id, at=FEB_2024)
    record_number(agency.id, "minutes", "000.1.5/77/Bappeda/2024", key=document_key("minutes", meeting.id, "v1"),
                  subject="Notulen Rakor Uji", meeting_id=meeting.id, at=FEB_2024)
    db.session.commit()
    login_as("committee")
    html = client.get(f"/numbering?agency={agency.id}&year=2024").get_data(as_text=True)
    assert "000.1.5/1/Bappeda/2024" in html and "000.1.5/77/Bappeda/2024" in html
    assert "Undangan Rakor Uji" in html and "Bupati se-Kalsel" in html and "diketik" in html
    response = client.get(f"/numbering/export?agency={agency.id}&year=2024&format=csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[1][:2] == ["1", "000.1.5/1/Bappeda/2024"] and rows[2][:2] == ["", "000.1.5/77/Bappeda/2024"]
    assert "Surat undangan" in rows[1][3] and rows[2][4] == "Notulen Rakor Uji"
    response = client.get(f"/numbering/export?agency={agency.id}&year=2024&format=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(2, 2).value == "000.1.5/1/Bappeda/2024"
    assert "agenda-surat-keluar-bappeda-uji-2024.xlsx" in response.headers["Content-Disposition"]
    assert client.get(f"/numbering/export?agency={agency.id}&format=pdf").status_code == 404


def test_scheme_form_validates_and_saves(client, login_as):
    agency = make_agency()
    db.session.commit()
    login_as("committee")
    response = client.post(f"/numbering/agencies/{agency.id}/scheme", data={"template": "000.1.5/Bappeda/{year}"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "{seq}" in html and 'value="000.1.5/Bappeda/{year}"' in html
    response = client.post(f"/numbering/agencies/{agency.id}/scheme",
                           data={"template": "000.1.5/{seq}/Bappeda/{year}", "invitation_template": "005/{seq}/B/{year}"})
    assert response.status_code == 302
    assert reserve(agency, 1).number.startswith("005/")


def test_delegates_see_no_register(client, login_as):
    agency = make_agency()
    login_as("delegate", agency=agency)
    assert client.get("/numbering").status_code == 403
    assert client.get(f"/numbering/agencies/{agency.id}/scheme").status_code == 403
