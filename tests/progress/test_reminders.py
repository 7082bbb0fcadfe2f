"""Reporting reminders on the PP 39/2006 calendar, with a frozen clock (`now` injected): 5 working
days before the deadline, on it, and the digest on the first working day after; once each, even
when two schedulers run."""
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from rakor.extensions import db as _db
from rakor.mail.models import OutboundMail
from rakor.notices.models import Notice
from rakor.progress import periods, reminders, services, workdays
from rakor.progress.models import ProgressReminder
from tests.factories import make_user
from tests.progress.conftest import pg, update  # noqa: F401  (the pg fixture)

Q1 = periods.quarter(2024, 1)


def noon(day):  # 12.00 WITA
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)


def sent(kind=None):
    stmt = select(ProgressReminder).order_by(ProgressReminder.id)
    if kind:
        stmt = stmt.where(ProgressReminder.kind == kind)
    return list(_db.session.scalars(stmt))


def test_the_calendar_knows_lebaran_2024():
    """Q1 2024's deadline moves past Idul Fitri and its cuti bersama (8-15 April 2024)."""
    calendar = workdays.Calendar(local={})
    assert calendar.deadline(Q1) == date(2024, 4, 22)
    assert calendar.working_days_before(date(2024, 4, 22), 5) == date(2024, 4, 5)
    steps = reminders.steps_for(date(2024, 4, 5), calendar)
    assert [(s.kind, s.period.key) for s in steps] == [("before", "2024-Q1")]
    assert reminders.steps_for(date(2024, 4, 4), calendar) == []
    assert [s.kind for s in reminders.steps_for(date(2024, 4, 22), calendar)] == ["due"]
    assert [s.kind for s in reminders.steps_for(date(2024, 4, 23), calendar)] == ["digest"]


def test_before_due_and_digest_reach_the_right_people_once(app, pg):  # noqa: F811
    colleague = make_user("delegate", agency=pg.agencies[0])
    # The second agency reported on its one commitment: nothing to remind it of.
    services.report(pg.other_c, update("2024-Q1", realised_value=Decimal("65.5")), pg.other_delegate,
                    today=date(2024, 4, 2))
    _db.session.commit()
    calendar = workdays.Calendar(local={})
    assert reminders.send_due(noon(date(2024, 4, 4)), calendar) == {}
    assert reminders.send_due(noon(date(2024, 4, 5)), calendar) == {"before 2024-Q1": 2}
    assert reminders.send_due(noon(date(2024, 4, 5)), calendar) == {"before 2024-Q1": 0}  # idempotent
    assert reminders.send_due(noon(date(2024, 4, 16)), calendar) == {"before 2024-Q1": 0}
    assert {r.user_id for r in sent("before")} == {pg.delegate.id, colleague.id}
    notice = _db.session.get(Notice, _db.session.scalar(select(Notice.id).where(Notice.user_id == pg.delegate.id)))
    mail = _db.session.get(OutboundMail, notice.mail_id)
    assert mail.subject == "Laporan Triwulan I 2024 paling lambat Senin, 22 April 2024"
    assert "3 komitmen" in mail.text_body and pg.poverty_c.reference in mail.text_body
    assert "PP 39/2006" in mail.text_body  # why it was sent
    assert f"/meetings/{pg.meeting.id}/progress/report?period=2024-Q1" in mail.text_body

    # The delegate reports on one commitment; the deadline's reminder lists the other two.
    services.report(pg.poverty_c, update("2024-Q1", realised_value=Decimal("6.1")), pg.delegate,
                    today=date(2024, 4, 20))
    _db.session.commit()
    assert reminders.send_due(noon(date(2024, 4, 22)), calendar) == {"due 2024-Q1": 2}
    due_mail = _db.session.get(OutboundMail, sent("due")[0].mail_id)
    assert "hari ini" in due_mail.subject.lower() and "2 komitmen" in due_mail.text_body
    assert pg.poverty_c.reference not in due_mail.text_body

    assert reminders.send_due(noon(date(2024, 4, 23)), calendar) == {"digest 2024-Q1": 2}
    assert {r.user_id for r in sent("digest")} == {pg.committee.id, pg.leadership.id}
    digest = _db.session.get(OutboundMail, sent("digest")[0].mail_id)
    assert "96.01" in digest.text_body and "Bappeda Kabupaten Uji 1 (2)" in digest.text_body
    # The second agency by its full name: its region is "Kabupaten Uji <n>" with the factories'
    # running number, which read "Uji 2..." in a long run and failed a bare "Uji 2" check.
    assert pg.agencies[1].name not in digest.text_body
    [notice] = _db.session.scalars(select(Notice).where(Notice.mail_id == digest.id))
    assert [agency for _region, agencies in notice.params["regions"] for agency, _n in agencies] == [pg.agencies[0].name]
    assert reminders.send_due(noon(date(2024, 4, 24)), calendar) == {"digest 2024-Q1": 0}


def test_a_second_scheduler_that_read_before_the_first_committed_sends_nothing(app, pg, monkeypatch):  # noqa: F811
    calendar = workdays.Calendar(local={})
    assert reminders.send_due(noon(date(2024, 4, 5)), calendar) == {"before 2024-Q1": 2}
    mails_before = _db.session.scalar(select(func.count(OutboundMail.id)))
    monkeypatch.setattr(reminders, "_already", lambda step: set())  # it did not see the first one's rows
    assert reminders.send_due(noon(date(2024, 4, 5)), calendar) == {"before 2024-Q1": 0}
    assert _db.session.scalar(select(func.count(OutboundMail.id))) == mails_before


def test_the_database_refuses_a_second_reminder(app, pg):  # noqa: F811
    row = {"user_id": pg.delegate.id, "period": "2024-Q1", "kind": "before", "deadline": date(2024, 4, 22)}
    _db.session.add(ProgressReminder(**row))
    _db.session.flush()
    with pytest.raises(IntegrityError), _db.session.begin_nested():
        _db.session.add(ProgressReminder(**row))
        _db.session.flush()


def test_the_cli_sends_for_a_given_date(app, pg):  # noqa: F811
    _db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "send", "--date", "2024-04-05"])
    assert result.exit_code == 0, result.output
    assert "before 2024-Q1: 2 sent" in result.output
    again = app.test_cli_runner().invoke(args=["reminders", "send", "--date", "2024-04-05"])
    assert "before 2024-Q1: 0 sent" in again.output
    nothing = app.test_cli_runner().invoke(args=["reminders", "send", "--date", "2024-04-04"])
    assert "Nothing is due today." in nothing.output


def test_the_worker_runs_the_reminders_on_its_schedule(app, monkeypatch):
    from rakor.documents import periodic

    [task] = [t for t in periodic.tasks if t.key == "reminders"]
    assert task.loader is reminders.send_due and task.interval_key == "REMINDER_INTERVAL"
    assert app.config["REMINDER_INTERVAL"] == 3600
    ran = []
    monkeypatch.setattr(periodic, "tasks", type(periodic.tasks)("test"))
    periodic.tasks.register("broken", loader=lambda: 1 / 0, interval_key="REMINDER_INTERVAL")
    periodic.tasks.register("works", loader=lambda: ran.append(_db.session.get_bind() is not None),
                            interval_key="REMINDER_INTERVAL")
    periodic.run_all(app)  # the broken task is logged; the next one still runs
    assert ran == [True]
