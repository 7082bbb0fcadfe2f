"""The agenda builder: add, edit, reorder and delete agenda items of a meeting.

Every route needs "meeting.edit", which refuses meetings whose minutes are final or that are
cancelled (rakor/meetings/rules.py), so none of them checks the status itself."""
from datetime import date, datetime, timedelta

from babel.dates import format_date as babel_format_date
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from rakor.core.errors import DomainError
from rakor.core.formatting import current_locale, local_date, to_zone
from rakor.core.forms import add_domain_error, choices
from rakor.core.web import domain_action
from rakor.meetings import bp, materials, queries, services
from rakor.meetings.forms import AgendaItemForm
from rakor.meetings.models import AgendaItem
from rakor.meetings.web import in_meeting, with_meeting
from rakor.policy import COMMITTEE, roles


def _day_choices(meeting):
    first = local_date(meeting.starts_at, meeting.timezone)
    last = local_date(meeting.ends_at, meeting.timezone)
    days, day = [], first
    while day <= last:
        days.append((day.isoformat(), babel_format_date(day, "EEEE, d MMMM y", locale=current_locale())))
        day += timedelta(days=1)
    return choices(days)


def _agenda_form(meeting, item=None):
    if request.method == "POST":
        form = AgendaItemForm()
    elif item is None:
        form = AgendaItemForm(data={"day": local_date(meeting.starts_at, meeting.timezone).isoformat()})
    else:
        data = {name: getattr(item, name) for name in (
            "title", "topic_id", "free_topic", "presenter", "description", "conclusions")}
        tz = meeting.timezone
        day = item.starts_at or meeting.starts_at
        data["day"] = local_date(day, tz).isoformat()
        if item.starts_at is not None:
            data["start_time"] = to_zone(item.starts_at, tz).time()
            data["end_time"] = to_zone(item.ends_at, tz).time()
        form = AgendaItemForm(data=data)
    form.day.choices = _day_choices(meeting)
    form.topic_id.choices = choices([("", "—")] + [(t.id, t.name) for t in queries.topic_options()])
    return form


def _agenda_data(form):
    starts = ends = None
    if form.start_time.data or form.end_time.data:
        day = date.fromisoformat(form.day.data)
        if form.start_time.data:
            starts = datetime.combine(day, form.start_time.data)
        if form.end_time.data:
            ends = datetime.combine(day, form.end_time.data)
    return services.AgendaItemData(
        title=form.title.data, starts_at=starts, ends_at=ends, topic_id=form.topic_id.data,
        free_topic=form.free_topic.data, presenter=form.presenter.data,
        description=form.description.data, conclusions=form.conclusions.data,
    )


def _on_form(form):
    """Put a service error on the form; the service speaks of starts_at/ends_at, the form has
    start_time/end_time."""
    mapping = {"starts_at": "start_time", "ends_at": "end_time"}

    def report(error):
        add_domain_error(form, DomainError(error.message, field=mapping.get(error.field, error.field)))

    return report


def _save_agenda(meeting, item):
    form = _agenda_form(meeting, item)
    if form.validate_on_submit():
        with domain_action(on_error=_on_form(form)) as done:
            if item is None:
                services.add_agenda_item(meeting, _agenda_data(form))
            else:
                services.update_agenda_item(item, _agenda_data(form))
        if done.ok:
            flash(_("Agenda item saved."), "success")
            return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="agenda"))
    return render_template("meetings/agenda_form.html", form=form, meeting=meeting, item=item)


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("meeting.edit")
def agenda_new(meeting):
    """Add an agenda item at the end of the agenda."""
    return _save_agenda(meeting, None)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("meeting.edit")
def agenda_edit(meeting, item_id):
    """Change an agenda item."""
    return _save_agenda(meeting, in_meeting(AgendaItem, item_id, meeting))


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.edit")
def agenda_move(meeting, item_id):
    """Swap an agenda item with the one above or below it."""
    item = in_meeting(AgendaItem, item_id, meeting)
    with domain_action():
        services.move_agenda_item(item, request.form.get("direction", ""))
    return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="agenda"))


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/delete", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.edit")
def agenda_delete(meeting, item_id):
    """Delete an agenda item with its materials (their files go once the deletion is committed)."""
    item = in_meeting(AgendaItem, item_id, meeting)
    with domain_action() as done:
        stored = services.delete_agenda_item(item)
    if done.ok:
        materials.remove_files(stored)
        flash(_("Agenda item deleted."), "success")
    return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="agenda"))
