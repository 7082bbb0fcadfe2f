"""Dates and times typed the app's way, "dd-mm-yyyy hh.mm" (24-hour), whatever the browser's
language; ISO still accepted (issue 12)."""
from datetime import date, datetime, time

import pytest
from werkzeug.datastructures import MultiDict
from wtforms.validators import Optional

from rakor.core.datetime_fields import (
    DateTextField,
    DateTimeTextField,
    TimeTextField,
    format_datetime,
    parse_datetime,
)
from rakor.core.forms import BaseForm


@pytest.mark.parametrize("typed,expected", [
    ("05-03-2030 08.30", datetime(2030, 3, 5, 8, 30)),
    ("5-3-2030 8.30", datetime(2030, 3, 5, 8, 30)),
    ("05/03/2030 08:30", datetime(2030, 3, 5, 8, 30)),
    ("  05-03-2030   16.00 ", datetime(2030, 3, 5, 16, 0)),
    ("2030-03-05T08:30", datetime(2030, 3, 5, 8, 30)),       # what datetime-local sent
    ("2030-03-05 08:30", datetime(2030, 3, 5, 8, 30)),
    ("2030-03-05T08:30:15", datetime(2030, 3, 5, 8, 30, 15)),
    ("0001-01-01T00:00", datetime(1, 1, 1, 0, 0)),
    ("31-12-9999 23.59", datetime(9999, 12, 31, 23, 59)),
])
def test_both_formats_parse(typed, expected):
    assert parse_datetime(typed) == expected


@pytest.mark.parametrize("typed", ["", "kemarin", "31-02-2030 08.30", "05-03-2030 25.00",
                                   "05-03-30 08.30", "03/05/2030 8:30 PM", "05-03-2030"])
def test_other_text_is_refused(typed):
    assert parse_datetime(typed) is None


def test_a_datetime_is_shown_the_apps_way_and_reads_back():
    for value in (datetime(2030, 3, 5, 8, 30), datetime(1, 1, 1, 0, 0), datetime(9999, 12, 31, 23, 59)):
        assert parse_datetime(format_datetime(value)) == value
    assert format_datetime(datetime(2030, 3, 5, 8, 5)) == "05-03-2030 08.05"


class _Form(BaseForm):
    class Meta:
        csrf = False

    at = DateTimeTextField("At", validators=[Optional()])
    start = TimeTextField("Start", validators=[Optional()])


def test_fields_render_text_inputs_with_the_format_as_placeholder(app):
    with app.test_request_context():
        form = _Form(data={"at": datetime(2030, 3, 5, 8, 30), "start": time(13, 30)})
        at, start = form.at(), form.start()
    assert 'type="text"' in at and 'placeholder="hh-bb-tttt jj.mm"' in at and 'value="05-03-2030 08.30"' in at
    assert 'type="text"' in start and 'placeholder="jj.mm"' in start and 'value="13.30"' in start


@pytest.mark.parametrize("typed,expected", [("13.30", time(13, 30)), ("8:05", time(8, 5)), ("", None)])
def test_time_field_parses_24_hour_times(app, typed, expected):
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"start": typed}))
        assert form.validate(), form.errors
        assert form.start.data == expected


def test_bad_input_keeps_what_was_typed_and_says_the_format_in_indonesian(app):
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"at": "5 Maret 2030", "start": "1.30 PM"}))
        assert not form.validate()
        assert 'value="5 Maret 2030"' in form.at() and 'value="1.30 PM"' in form.start()
        assert "hh-bb-tttt jj.mm" in form.errors["at"][0]
        assert "24 jam" in form.errors["start"][0]


class _DateForm(BaseForm):
    class Meta:
        csrf = False

    day = DateTextField("Day", validators=[Optional()])


@pytest.mark.parametrize("typed,expected", [
    ("05-03-2030", date(2030, 3, 5)), ("5/3/2030", date(2030, 3, 5)), ("2030-03-05", date(2030, 3, 5)),
    ("", None),
])
def test_date_field_reads_the_apps_format_and_iso(app, typed, expected):
    with app.test_request_context(method="POST"):
        form = _DateForm(formdata=MultiDict({"day": typed}))
        assert form.validate(), form.errors
        assert form.day.data == expected


def test_date_field_renders_dd_mm_yyyy_and_refuses_other_text_keeping_it(app):
    with app.test_request_context():
        rendered = _DateForm(data={"day": date(2030, 3, 5)}).day()
    assert 'type="text"' in rendered and 'placeholder="hh-bb-tttt"' in rendered and 'value="05-03-2030"' in rendered
    with app.test_request_context(method="POST"):
        for typed in ("31-02-2030", "kemarin", "03/2030"):
            form = _DateForm(formdata=MultiDict({"day": typed}))
            assert not form.validate()
            assert f'value="{typed}"' in form.day()
            assert "hh-bb-tttt" in form.errors["day"][0]


def test_no_template_asks_the_browser_for_its_own_date_inputs():
    """Every date and time input is a text field in the app's format (issue 12, item 9)."""
    import re
    from pathlib import Path

    templates = Path(__file__).resolve().parents[2] / "templates"
    native = re.compile(r"""type=["'](date|time|datetime-local)["']""")
    found = [f"{p.relative_to(templates)}: {m.group(0)}" for p in templates.rglob("*.html")
             for m in native.finditer(p.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize("typed,expected", [
    ("31 Desember 2027", date(2027, 12, 31)),            # as pages write dates
    ("Jumat, 31 Desember 2027", date(2027, 12, 31)),     # with the day's name
    ("31 Des 2027", date(2027, 12, 31)),
    ("1 february 2028", date(2028, 2, 1)),
])
def test_date_field_reads_the_apps_own_long_format(app, typed, expected):
    with app.test_request_context(method="POST"):
        form = _DateForm(formdata=MultiDict({"day": typed}))
        assert form.validate(), form.errors
        assert form.day.data == expected


def test_datetime_field_reads_the_long_format_with_a_time(app):
    with app.test_request_context(method="POST"):
        form = _Form(formdata=MultiDict({"at": "Jumat, 31 Desember 2027 pukul 09.00 WITA"}))
        assert form.validate(), form.errors
        assert form.at.data == datetime(2027, 12, 31, 9, 0)
        for typed in ("30 Februari 2027 09.00", "31 Brumaire 2027"):
            assert not _Form(formdata=MultiDict({"at": typed})).validate()


def test_placeholders_speak_the_users_language(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale
        with force_locale("en"):
            assert 'placeholder="dd-mm-yyyy"' in _DateForm().day()
