"""Meeting pages: lists and calendar, the meeting page, create/edit, lifecycle, agenda builder,
materials and the .ics download. Views validate forms, call services, commit once."""
import calendar as pycalendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import get_day_names
from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func, select

from rakor.core.errors import DomainError
from rakor.core.formatting import DEFAULT_TZ, current_locale, local_date, to_zone
from rakor.core.forms import add_domain_error, choices
from rakor.core.types import utcnow
from rakor.core.urls import int_arg
from rakor.extensions import db
from rakor.meetings import bp, ics, materials, queries, sections, services
from rakor.meetings.forms import (
    COMMON_TIMEZONES,
    KIND_LABELS,
    KIND_SHORT,
    STATUS_BADGES,
    STATUS_LABELS,
    TRANSITION_LABELS,
    AgendaItemForm,
    MaterialForm,
    MeetingForm,
    TransitionForm,
)
from rakor.meetings.models import AgendaItem, Material, Meeting, MeetingTransition, Topic
from rakor.policy import COMMITTEE, authenticated, require, roles
from rakor.regions.models import Agency

PER_PAGE = 20


MEETING_LABELS = SimpleNamespace(kind=KIND_LABELS, kind_short=KIND_SHORT, status=STATUS_LABELS,
                                 badge=STATUS_BADGES, transition=TRANSITION_LABELS)


def _labels():
    # App-wide: the dashboard panel and other features' meeting sections use them too.
    return {"meeting_labels": MEETING_LABELS}


def _meeting_or_404(meeting_id, action):
    meeting = queries.get_meeting(meeting_id)
    if meeting is None:
        abort(404)
    require(current_user, action, meeting)
    return meeting


def _item_or_404(meeting, item_id):
    """An agenda item of *this* meeting; another meeting's item through a crafted URL is 404."""
    item = None
    if item_id <= queries.MAX_ID:
        item = db.session.scalar(select(AgendaItem).where(AgendaItem.id == item_id,
                                                          AgendaItem.meeting_id == meeting.id))
    if item is None:
        abort(404)
    return item


def _material_or_404(meeting, material_id):
    material = None
    if material_id <= queries.MAX_ID:
        material = db.session.scalar(select(Material).where(Material.id == material_id,
                                                            Material.meeting_id == meeting.id))
    if material is None:
        abort(404)
    return material


def _error_flash(error):
    flash(str(error.message), "danger")


# --- lists and calendar -------------------------------------------------------------------

@bp.route("/")
@authenticated
def index():
    filters = queries.MeetingFilters.from_args(request.args)
    page = db.paginate(queries.list_statement(current_user, filters), per_page=PER_PAGE,
                       error_out=False, max_per_page=PER_PAGE)
    organizers = db.session.execute(
        select(Agency.id, Agency.name).where(Agency.id.in_(
            select(Meeting.organizer_agency_id).where(queries.visible_condition(current_user))
        )).order_by(Agency.name)
    ).all()
    # Group the page's meetings by month of their local start ("Februari 2024").
    groups = []
    for meeting in page.items:
        local = to_zone(meeting.starts_at, meeting.timezone)
        key = (local.year, local.month)
        if not groups or groups[-1][0] != key:
            groups.append((key, babel_format_date(local.date(), "LLLL y", locale=current_locale()), []))
        groups[-1][2].append(meeting)
    return render_template("meetings/list.html", page=page, groups=groups, filters=filters,
                           organizers=organizers)


def _parse_month(value):
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    today = to_zone(utcnow(), DEFAULT_TZ).date()
    return today.year, today.month


def _meetings_in_month(by_day, year, month):
    found = {}
    for day, meetings in by_day.items():
        if (day.year, day.month) == (year, month):
            for m in meetings:
                found.setdefault(m.id, m)
    return sorted(found.values(), key=lambda m: (m.starts_at, m.id))


@bp.route("/calendar")
@authenticated
def calendar():
    year, month = _parse_month(request.args.get("month"))
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    tz = ZoneInfo(DEFAULT_TZ)
    # A day more on each side: meetings in other zones may fall on a neighbouring local day.
    start = datetime.combine(weeks[0][0] - timedelta(days=1), time(), tz)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=2), time(), tz)
    by_day = defaultdict(list)
    for meeting in queries.meetings_between(current_user, start, end):
        day = local_date(meeting.starts_at, meeting.timezone)
        last = local_date(meeting.ends_at, meeting.timezone)
        while day <= last:
            by_day[day].append(meeting)
            day += timedelta(days=1)
    first = date(year, month, 1)
    prev_month = (first - timedelta(days=1)).strftime("%Y-%m")
    next_month = (first + timedelta(days=32)).replace(day=1).strftime("%Y-%m")
    loc = current_locale()
    day_names = get_day_names("abbreviated", locale=loc)
    return render_template(
        "meetings/calendar.html", weeks=weeks, by_day=by_day, month=month, year=year,
        title=babel_format_date(first, "LLLL y", locale=loc),
        day_names=[day_names[i] for i in range(7)], prev_month=prev_month, next_month=next_month,
        today=to_zone(utcnow(), DEFAULT_TZ).date(),
        month_meetings=_meetings_in_month(by_day, year, month),
    )


# --- create and edit ----------------------------------------------------------------------

def _fill_meeting_choices(form, meeting=None):
    agencies = db.session.execute(select(Agency.id, Agency.name).order_by(Agency.name)).all()
    form.organizer_agency_id.choices = choices([("", "—")] + [(a.id, a.name) for a in agencies])
    earlier = queries.follow_up_candidates(exclude_id=meeting.id if meeting else None)
    form.follow_up_of_id.choices = choices(
        [("", _("— none —"))]
        + [(m.id, f"{local_date(m.starts_at, m.timezone).isoformat()} · {m.title}") for m in earlier])


def _default_organizer_id():
    """The user's own agency when it organises meetings, else the only provincial one."""
    if current_user.agency_id:
        return current_user.agency_id
    from rakor.meetings.cli import provincial_planning_agencies

    agencies = provincial_planning_agencies()
    return agencies[0].id if len(agencies) == 1 else None


def _meeting_data(form):
    return services.MeetingData(
        title=form.title.data, kind=form.kind.data, field=form.field.data,
        organizer_agency_id=form.organizer_agency_id.data, timezone=form.timezone.data,
        starts_at=form.starts_at.data, ends_at=form.ends_at.data, venue=form.venue.data,
        city=form.city.data, chair_name=form.chair_name.data, chair_position=form.chair_position.data,
        chair_nip=form.chair_nip.data, minute_taker_name=form.minute_taker_name.data,
        minute_taker_nip=form.minute_taker_nip.data, description=form.description.data,
        registration_opens_at=form.registration_opens_at.data,
        registration_closes_at=form.registration_closes_at.data,
        follow_up_of_id=form.follow_up_of_id.data,
    )


def _local_naive(value, tz):
    return to_zone(value, tz).replace(tzinfo=None) if value is not None else None


def _meeting_initial(meeting):
    tz = meeting.timezone
    data = {name: getattr(meeting, name) for name in (
        "kind", "title", "field", "organizer_agency_id", "timezone", "venue", "city", "chair_name",
        "chair_position", "chair_nip", "minute_taker_name", "minute_taker_nip", "description",
        "follow_up_of_id")}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        data[name] = _local_naive(getattr(meeting, name), tz)
    return data


def _timezone_valid(form):
    """A form-level check so that a bad zone is reported even when the dates are also bad."""
    from rakor.core.formatting import is_valid_timezone

    if form.timezone.data and not is_valid_timezone(form.timezone.data):
        form.timezone.errors = [*form.timezone.errors, _(
            "Unknown time zone %(tz)s; use a name such as Asia/Makassar (WITA), Asia/Jakarta (WIB) "
            "or Asia/Jayapura (WIT).", tz=form.timezone.data)]
        return False
    return True


@bp.route("/new", methods=["GET", "POST"])
@roles(COMMITTEE)
def create():
    require(current_user, "meeting.create")
    form = MeetingForm() if request.method == "POST" else MeetingForm(
        data={"organizer_agency_id": _default_organizer_id(), "timezone": DEFAULT_TZ, "kind": "rakor"})
    _fill_meeting_choices(form)
    if form.validate_on_submit() & _timezone_valid(form):
        try:
            meeting = services.create_meeting(_meeting_data(form), current_user)
        except DomainError as e:
            db.session.rollback()
            add_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Meeting created as a draft. Add its agenda, then schedule it."), "success")
            return redirect(url_for("meetings.view", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=None, timezones=COMMON_TIMEZONES)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles(COMMITTEE)
def edit(meeting_id):
    meeting = _meeting_or_404(meeting_id, "meeting.edit")
    if meeting.status in services.FROZEN:
        flash(_("The minutes of this meeting are final; it can no longer be changed."), "warning")
        return redirect(url_for("meetings.view", meeting_id=meeting.id))
    form = MeetingForm() if request.method == "POST" else MeetingForm(data=_meeting_initial(meeting))
    _fill_meeting_choices(form, meeting)
    if form.validate_on_submit() & _timezone_valid(form):
        try:
            services.update_meeting(meeting, _meeting_data(form))
        except DomainError as e:
            db.session.rollback()
            add_domain_error(form, e)
        else:
            db.session.commit()
            flash(_("Meeting saved."), "success")
            return redirect(url_for("meetings.view", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting, timezones=COMMON_TIMEZONES)


# --- the meeting page ---------------------------------------------------------------------

@bp.route("/<int:meeting_id>")
@authenticated
def view(meeting_id):
    meeting, all_materials = queries.load_meeting_page(meeting_id)
    if meeting is None:
        abort(404)
    require(current_user, "meeting.view", meeting)
    by_item = defaultdict(list)
    for m in all_materials:
        by_item[m.agenda_item_id].append(m)
    return render_template(
        "meetings/view.html", meeting=meeting, agenda=meeting.agenda_items,
        materials_by_item=by_item,
        transitions=services.allowed_transitions(meeting),
        note_required=services.NOTE_REQUIRED, frozen=meeting.status in services.FROZEN,
        # Each feature's section rendered with its own context (its keys as variables).
        sections_html=[Markup(render_template(template, **context))
                       for template, context in sections.render_context(meeting, current_user)],
    )


@bp.route("/<int:meeting_id>/status", methods=["POST"])
@roles(COMMITTEE)
def change_status(meeting_id):
    meeting = _meeting_or_404(meeting_id, "meeting.edit")
    form = TransitionForm()
    if not form.validate():
        flash(_("A meeting cannot go from this status to the chosen one."), "danger")
        return redirect(url_for("meetings.view", meeting_id=meeting.id))
    from_status = meeting.status
    try:
        services.change_status(meeting, form.to_status.data, current_user, note=form.note.data,
                               expected_from=form.expected.data or None)
    except DomainError as e:
        db.session.rollback()
        _error_flash(e)
    else:
        db.session.commit()
        label = (_("Meeting reopened.") if services.is_reopen(from_status, form.to_status.data)
                 else _("Status changed to %(status)s.", status=STATUS_LABELS[form.to_status.data]))
        flash(label, "success")
    return redirect(url_for("meetings.view", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/calendar.ics")
@authenticated
def ics_file(meeting_id):
    meeting = _meeting_or_404(meeting_id, "meeting.view")
    sequence = db.session.scalar(select(func.count(MeetingTransition.id))
                                 .where(MeetingTransition.meeting_id == meeting.id)) or 0
    body = ics.meeting_calendar(meeting, queries.agenda_of(meeting.id), sequence=sequence,
                                url=url_for("meetings.view", meeting_id=meeting.id, _external=True))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = materials.content_disposition(f"rapat-{meeting.id}.ics")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- agenda builder -----------------------------------------------------------------------

def _day_choices(meeting):
    first = local_date(meeting.starts_at, meeting.timezone)
    last = local_date(meeting.ends_at, meeting.timezone)
    days, day = [], first
    while day <= last:
        days.append((day.isoformat(), babel_format_date(day, "EEEE, d MMMM y", locale=current_locale())))
        day += timedelta(days=1)
    return choices(days)


def _topic_choices():
    topics = db.session.execute(select(Topic.id, Topic.name).order_by(Topic.name)).all()
    return choices([("", "—")] + [(t.id, t.name) for t in topics])


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
    form.topic_id.choices = _topic_choices()
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


def _map_agenda_field(error):
    # The service speaks of starts_at/ends_at; the form has start_time/end_time.
    mapping = {"starts_at": "start_time", "ends_at": "end_time"}
    return DomainError(error.message, field=mapping.get(error.field, error.field))


def _save_agenda(meeting, item):
    form = _agenda_form(meeting, item)
    if form.validate_on_submit():
        try:
            if item is None:
                services.add_agenda_item(meeting, _agenda_data(form))
            else:
                services.update_agenda_item(item, _agenda_data(form))
        except DomainError as e:
            db.session.rollback()
            add_domain_error(form, _map_agenda_field(e))
        else:
            db.session.commit()
            flash(_("Agenda item saved."), "success")
            return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="agenda"))
    return render_template("meetings/agenda_form.html", form=form, meeting=meeting, item=item)


@bp.route("/<int:meeting_id>/agenda/new", methods=["GET", "POST"])
@roles(COMMITTEE)
def agenda_new(meeting_id):
    meeting = _meeting_or_404(meeting_id, "meeting.edit")
    if meeting.status in services.FROZEN:
        abort(403)
    return _save_agenda(meeting, None)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/edit", methods=["GET", "POST"])
@roles(COMMITTEE)
def agenda_edit(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id, "meeting.edit")
    item = _item_or_404(meeting, item_id)
    if meeting.status in services.FROZEN:
        abort(403)
    return _save_agenda(meeting, item)


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/move", methods=["POST"])
@roles(COMMITTEE)
def agenda_move(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id, "meeting.edit")
    item = _item_or_404(meeting, item_id)
    try:
        services.move_agenda_item(item, request.form.get("direction", ""))
    except DomainError as e:
        db.session.rollback()
        _error_flash(e)
    else:
        db.session.commit()
    return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="agenda"))


@bp.route("/<int:meeting_id>/agenda/<int:item_id>/delete", methods=["POST"])
@roles(COMMITTEE)
def agenda_delete(meeting_id, item_id):
    meeting = _meeting_or_404(meeting_id, "meeting.edit")
    item = _item_or_404(meeting, item_id)
    try:
        stored = services.delete_agenda_item(item)
    except DomainError as e:
        db.session.rollback()
        _error_flash(e)
    else:
        db.session.commit()
        materials.remove_files(stored)
        flash(_("Agenda item deleted."), "success")
    return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="agenda"))


# --- materials ----------------------------------------------------------------------------

def _material_item_choices(agenda_items):
    return choices([("", _("The whole meeting"))]
                   + [(it.id, f"{n}. {it.title}") for n, it in enumerate(agenda_items, start=1)])


@bp.route("/<int:meeting_id>/materials/new", methods=["GET", "POST"])
@roles(COMMITTEE)
def material_new(meeting_id):
    meeting = _meeting_or_404(meeting_id, "meeting.edit")
    form = MaterialForm()
    if request.method == "GET" and int_arg(request.args, "item"):
        form.agenda_item_id.data = int_arg(request.args, "item")
    form.agenda_item_id.choices = _material_item_choices(queries.agenda_of(meeting.id))
    if form.validate_on_submit():
        upload = request.files.get("file")
        stored = None
        try:
            if upload is None or not upload.filename:
                raise DomainError(_("Choose a file."), field="file")
            material = materials.add_material(
                meeting, upload.stream, upload.filename, title=form.title.data,
                agenda_item_id=form.agenda_item_id.data, user=current_user)
            stored = material.stored_name
            db.session.commit()
        except DomainError as e:
            db.session.rollback()
            add_domain_error(form, e)
        except Exception:
            db.session.rollback()
            if stored:
                materials.remove_files([stored])
            raise
        else:
            flash(_("Material uploaded."), "success")
            return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="materials"))
    return render_template("meetings/material_form.html", form=form, meeting=meeting,
                           allowed=materials.allowed_extensions_text(),
                           max_mb=current_app.config["MAX_UPLOAD_MB"])


@bp.route("/<int:meeting_id>/materials/<int:material_id>")
@authenticated
def material_download(meeting_id, material_id):
    meeting = _meeting_or_404(meeting_id, "meeting.view")
    material = _material_or_404(meeting, material_id)
    path = materials.stored_path(material.stored_name)
    if path is None or not path.is_file():
        current_app.logger.error("material %s: file %s is missing", material.id, material.stored_name)
        abort(404)
    response = send_file(path, mimetype=material.content_type, as_attachment=True,
                         download_name=material.original_filename, max_age=0, conditional=True,
                         etag=material.sha256)
    response.headers["Content-Disposition"] = materials.content_disposition(material.original_filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.route("/<int:meeting_id>/materials/<int:material_id>/delete", methods=["POST"])
@roles(COMMITTEE)
def material_delete(meeting_id, material_id):
    meeting = _meeting_or_404(meeting_id, "meeting.edit")
    material = _material_or_404(meeting, material_id)
    try:
        stored = materials.delete_material(material)
    except DomainError as e:
        db.session.rollback()
        _error_flash(e)
    else:
        db.session.commit()
        materials.remove_files([stored])
        flash(_("Material deleted."), "success")
    return redirect(url_for("meetings.view", meeting_id=meeting.id, _anchor="materials"))
