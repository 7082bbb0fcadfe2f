"""Reporting periods and deadlines in working days."""
from datetime import date

import pytest

from rakor.progress import periods, workdays
from rakor.progress.services import add_local_holiday


@pytest.mark.parametrize("text", ["2024-Q1", "Q1 2024", "q1-2024", "Triwulan I 2024", "TW I 2024",
                                  "triwulan 1 2024", "TW.1 2024", "Quarter 1 2024", "I/2024", "2024 Q1"])
def test_quarters_are_read_the_ways_people_write_them(text):
    period = periods.parse_period(text)
    assert (period.key, period.kind, period.start, period.end) == ("2024-Q1", "quarter", date(2024, 1, 1),
                                                                   date(2024, 3, 31))


def test_dates_are_ad_hoc_periods_and_names_are_indonesian_in_documents(app):
    period = periods.parse_period("17/05/2024")
    assert (period.key, period.kind, period.quarter_index) == ("2024-05-17", "date", 2024 * 4 + 1)
    assert periods.parse_period("2024-Q4").label_id() == "Triwulan IV 2024"
    assert periods.parse_period("2024-05-17").label_id() == "17 Mei 2024"


@pytest.mark.parametrize("text", ["", "Triwulan V 2024", "2024-Q5", "31/02/2024", "kemarin", "1850-Q1"])
def test_text_that_names_no_period_is_refused(text):
    with pytest.raises(ValueError):
        periods.parse_period(text)


def test_the_deadline_is_the_tenth_working_day_after_the_quarter_skipping_holidays(db):
    calendar = workdays.Calendar(local={})
    # Q1 2024 ends Sunday 31 March; 8-12 and 15 April are Idul Fitri and cuti bersama.
    assert calendar.deadline(periods.quarter(2024, 1)) == date(2024, 4, 22)
    # Q2 2024 ends Sunday 30 June; no holiday in the first two weeks of July.
    assert calendar.deadline(periods.quarter(2024, 2)) == date(2024, 7, 12)


def test_a_local_holiday_moves_the_deadline(db, pg):
    add_local_holiday(date(2024, 7, 10), "Hari jadi kabupaten", pg.committee)
    assert workdays.Calendar().deadline(periods.quarter(2024, 2)) == date(2024, 7, 15)


def test_the_due_quarter_is_the_latest_whose_deadline_has_passed(db):
    calendar = workdays.Calendar(local={})
    assert calendar.due_quarter(date(2024, 7, 12)).key == "2024-Q1"  # the deadline day itself
    assert calendar.due_quarter(date(2024, 7, 13)).key == "2024-Q2"
    assert calendar.due_quarter(date(2024, 11, 28)).key == "2024-Q3"
