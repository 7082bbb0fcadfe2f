"""One meeting: create and edit, its page, its status changes and its .ics file."""
from collections import defaultdict

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from rakor.core import page_cache
from rakor.core.dates import day_off_note
from rakor.core.downloads import content_disposition
from rakor.core.formatting import (
    DEFAULT_TZ,
    format_date_long,
    format_date_medium,
    is_valid_timezone,
    local_date,
    to_zone,
)
from rakor.core.forms import choices
from rakor.core.phones import format_phone, whatsapp_url
from rakor.core.urls import external_url
from rakor.core.web import domain_action
from rakor.extensions import db
from rakor.meetings import bp, hooks, ics, lifecycle, queries, services
from rakor.meetings.forms import COMMON_TIMEZONES, MeetingForm, TransitionForm
from rakor.meetings.lifecycle import MINUTES_FINAL, MeetingStatus
from rakor.meetings.web import reader_key, reader_ttl, shell_scopes, viewer_key, with_meeting
from rakor.policy import COMMITTEE, authenticated, can, require, roles
from rakor.regions.models import Agency
from rakor.regions.services import provincial_planning_agencies


def _fill_meeting_choices(form, meeting=None):
    """The organizers the user organises for (and the meeting's own), the meetings it sees."""
    organizers = [a for a in queries.agency_options()
                  if can(current_user, "meeting.organize_for", a.id)
                  or (meeting is not None and a.id == meeting.organizer_agency_id)]
    form.organizer_agency_id.choices = choices([("", "—")] + [(a.id, a.name) for a in organizers])
    earlier = queries.follow_up_candidates(exclude_id=meeting.id if meeting else None, user=current_user,
                                           keep_id=meeting.follow_up_of_id if meeting else None)
    form.follow_up_of_id.choices = choices(
        [("", _("— none —"))]
        + [(m.id, f"{format_date_medium(local_date(m.starts_at, m.timezone))} · {m.title}") for m in earlier])


def _default_organizer_id():
    """The user's own agency when it organises meetings, else the only provincial one."""
    if current_user.agency_id:
        return current_user.agency_id
    agencies = provincial_planning_agencies()
    return agencies[0].id if len(agencies) == 1 else None


def _chair_from_head_of(agency_id):
    """The head of the organizing agency (kept for its letters' signature) as the proposed chair:
    the usual case, and the minutes cannot be finalised without the chair's name, jabatan, NIP
    and pangkat. Shown in the form, so the committee changes it when someone else chairs."""
    agency = db.session.get(Agency, agency_id) if agency_id else None
    if agency is None or not agency.head_name:
        return {}
    return {"chair_name": agency.head_name, "chair_position": agency.head_position,
            "chair_nip": agency.head_nip, "chair_rank": agency.head_rank}


def _meeting_data(form):
    return services.MeetingData(
        title=form.title.data, kind=form.kind.data, field=form.field.data,
        organizer_agency_id=form.organizer_agency_id.data, timezone=form.timezone.data,
        starts_at=form.starts_at.data, ends_at=form.ends_at.data, venue=form.venue.data,
        city=form.city.data, chair_name=form.chair_name.data, chair_position=form.chair_position.data,
        chair_nip=form.chair_nip.data, chair_rank=form.chair_rank.data,
        minute_taker_name=form.minute_taker_name.data, minute_taker_position=form.minute_taker_position.data,
        minute_taker_nip=form.minute_taker_nip.data, minute_taker_rank=form.minute_taker_rank.data,
        signing_place=form.signing_place.data, description=form.description.data,
        registration_opens_at=form.registration_opens_at.data,
        registration_closes_at=form.registration_closes_at.data,
        follow_up_of_id=form.follow_up_of_id.data, open_end=form.open_end.data,
        contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
        dress_code=form.dress_code.data, letter_number=form.letter_number.data,
        online_url=form.online_url.data,
    )


def _local_naive(value, tz):
    return to_zone(value, tz).replace(tzinfo=None) if value is not None else None


def _meeting_initial(meeting):
    tz = meeting.timezone
    data = {name: getattr(meeting, name) for name in (
        "kind", "title", "field", "organizer_agency_id", "timezone", "venue", "city", "chair_name",
        "chair_position", "chair_nip", "chair_rank", "minute_taker_name", "minute_taker_position",
        "minute_taker_nip", "minute_taker_rank", "signing_place", "description",
        "follow_up_of_id", "open_end", "contact_name", "dress_code", "letter_number", "online_url")}
    data["contact_phone"] = format_phone(meeting.contact_phone)
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        data[name] = _local_naive(getattr(meeting, name), tz)
    return data


def _timezone_valid(form):
    """A form-level check so that a bad zone is reported even when the dates are also bad."""
    if form.timezone.data and not is_valid_timezone(form.timezone.data):
        form.timezone.errors = [*form.timezone.errors, _(
            "Unknown time zone %(tz)s; use a name such as Asia/Makassar (WITA), Asia/Jakarta (WIB) "
            "or Asia/Jayapura (WIT).", tz=form.timezone.data)]
        return False
    return True


def _submitted(form):
    # `&`, not `and`: the zone check runs even when the form's own validation failed, so the
    # page lists every problem at once.
    return form.validate_on_submit() & _timezone_valid(form)


@bp.route("/new", methods=["GET", "POST"])
@roles(COMMITTEE)
def create():
    """A new meeting, saved as a draft."""
    require(current_user, "meeting.create")
    organizer_id = _default_organizer_id()
    form = MeetingForm() if request.method == "POST" else MeetingForm(
        data={"organizer_agency_id": organizer_id, "timezone": DEFAULT_TZ, "kind": "rakor",
              **_chair_from_head_of(organizer_id)})
    _fill_meeting_choices(form)
    if _submitted(form):
        with domain_action(form) as done:
            meeting = services.create_meeting(_meeting_data(form), current_user)
        if done.ok:
            flash(_("Meeting created as a draft. Add its agenda, then schedule it."), "success")
            _warn_day_off(meeting)
            return redirect(url_for("meetings.view", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=None, timezones=COMMON_TIMEZONES)


def _warn_day_off(meeting):
    """A meeting on a Sunday or a holiday is allowed (a Saturday FGD happens), but said."""
    day = local_date(meeting.starts_at, meeting.timezone)
    note = day_off_note(day)
    if note:
        flash(_("Note: %(date)s is %(what)s.", date=format_date_long(day), what=note), "warning")


def _explain_final_minutes(meeting):
    """The edit link of a meeting whose minutes are final says why it no longer opens;
    anything else refused (a cancelled meeting) is a plain 403."""
    if meeting.status == MINUTES_FINAL:
        flash(lifecycle.closed_reason(meeting), "warning")
        return redirect(url_for("meetings.view", meeting_id=meeting.id))
    return None


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles(COMMITTEE)
@with_meeting("meeting.edit", refused=_explain_final_minutes)
def edit(meeting):
    """Change the meeting's details."""
    form = MeetingForm() if request.method == "POST" else MeetingForm(data=_meeting_initial(meeting))
    _fill_meeting_choices(form, meeting)
    if _submitted(form):
        with domain_action(form) as done:
            services.update_meeting(meeting, _meeting_data(form), by_user=current_user)
        if done.ok:
            flash(_("Meeting saved."), "success")
            _warn_day_off(meeting)
            return redirect(url_for("meetings.view", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, meeting=meeting, timezones=COMMON_TIMEZONES)


def _page_key(meeting_id):
    """What the meeting page's content depends on besides its data: the viewer's role and agency
    (the policy rules look at nothing else), the locale and the query string. ("meeting-body":
    the body without the sections kept apart; no entry kept under an earlier name is read.)"""
    return viewer_key("meeting-body", meeting_id)


def _reader_key(meeting_id):
    return reader_key("meeting-body", meeting_id)


def _reader_scopes(meeting_id, follow_up_of_id=None):
    """Everything the reader's whole page shows: the meeting and its parts, the earlier meeting's
    (a follow-up shows its commitments), the reader's own layout."""
    scopes = page_cache.meeting_scopes(meeting_id)
    if follow_up_of_id:
        scopes += page_cache.meeting_scopes(follow_up_of_id)
    return [*scopes, page_cache.reader_scope(current_user.id)]


@bp.route("/<int:meeting_id>")
@authenticated
def view(meeting_id):
    """The meeting page: details, agenda, materials, status, history and other features' sections,
    kept per data version (rakor/core/page_cache.py).

    A page this reader was served before comes back before the meeting is even loaded. It was
    stored only after `meeting.view` let this reader in, and it is served only while that still
    holds: the rule reads the reader's role and agency (in the key) and the meeting's status,
    seat quotas and invitations (whose changes move the meeting's version); the clock, the one
    other input, bounds how long a delegate's page is kept (`rules.view_lapses_at`). When a write
    (a check-in, a commitment) has ended it, the page is put together from the reader's kept
    shell (meetings/web.py `shell_scopes`, which such a write does not move) and the kept body and
    sections, each rendered once for every viewer of the same class."""
    key, scopes = _reader_key(meeting_id), _reader_scopes(meeting_id)
    kept = page_cache.kept_page(key, scopes)
    if kept is not None:
        return kept
    body_key, sections = _page_key(meeting_id), _sections_kept_apart()
    pieces = [(body_key, [page_cache.meeting_scope(meeting_id)])]
    pieces += [(f"{body_key}:{entry.key}", _section_scopes(meeting_id, part)) for entry, part in sections]

    def join(shell, htmls):
        body, *kept_apart = htmls
        entries = [entry for entry, _part in sections]
        return shell.replace(page_cache.SLOT, _with_sections(body, zip(entries, kept_apart, strict=True)), 1)

    together = page_cache.kept_together(key, scopes, _shell(key, meeting_id, None), pieces, join)
    if together is not None:
        return together
    return _render_view(meeting_id)


def _shell(page_key, meeting_id, body):
    """The reader's meeting page around its body (`body()`: the body as rendered in the page)."""
    return page_cache.Shell(page_cache.shell_key(page_key), shell_scopes(meeting_id), body)


def _sections_kept_apart():
    """(entry, part) of every section kept apart from the body, by the part of the meeting it shows."""
    return [(entry, part) for entry in hooks.sections if (part := hooks.section_part(entry))]


def _section_scopes(meeting_id, part):
    return [page_cache.meeting_scope(meeting_id), page_cache.meeting_part_scope(meeting_id, part)]


def _with_sections(body, sections):
    """The body with each section kept apart in its slot ((entry, html) of `sections`)."""
    for entry, html in sections:
        body = body.replace(_section_slot(entry.key), html)
    return body


def _section_slot(key):
    """Where a section kept apart goes in the kept body (filled in per request)."""
    return f"\x00rakor-section:{key}\x00"


@with_meeting("meeting.view", load=queries.meeting_head)
def _render_view(meeting):
    """The page when this reader has none kept: its content is fragments shared by every viewer
    of the same class, inside the reader's own layout (the navbar names them). The body (details,
    agenda, materials and most sections) is kept by the meeting's own scope; a section that shows
    a part of the meeting that changes often on the day (participants checked in, commitments
    submitted: `hooks.section_part`) is kept apart by that part's scope too, so a check-in
    re-renders the participants section and nothing else."""
    key = _page_key(meeting.id)
    body_scopes = [page_cache.meeting_scope(meeting.id)]
    if meeting.follow_up_of_id:  # the earlier meeting's agreed commitments are shown
        body_scopes += page_cache.meeting_scopes(meeting.follow_up_of_id)

    rendered = {}

    def page():
        body = page_cache.fragment(key, body_scopes, lambda: _render_view_body(meeting))
        rendered["body"] = body = _with_sections(body, [
            (entry, page_cache.fragment(f"{key}:{entry.key}", _section_scopes(meeting.id, part),
                                        lambda entry=entry: _render_section(entry, meeting), name=entry.key))
            for entry, part in _sections_kept_apart()])
        return render_template("meetings/view.html", meeting=meeting, body=Markup(body))

    # The reader's layout (the navbar's unread notices) is part of the kept page, and kept apart
    # around the body too (`view` puts the page together from it when a write ends the page).
    reader = _reader_key(meeting.id)
    return page_cache.reader_page(reader, _reader_scopes(meeting.id, meeting.follow_up_of_id), page,
                                  reader_ttl(meeting), shell=_shell(reader, meeting.id, lambda: rendered.get("body")))


def _render_section(entry, meeting):
    rendered = hooks.render_section(entry, meeting, current_user)
    if rendered is None:
        return ""
    template, context = rendered
    return render_template(template, **context)


def _render_view_body(head):
    # The same row, now with what the page shows; its history only for those who see it (the
    # template's `meeting.view_internal` section: a delegate's page saves the query).
    meeting = queries.meeting_for_page(head.id)
    history = queries.meeting_history(meeting.id) if can(current_user, "meeting.view_internal", head) else []
    by_item = defaultdict(list)
    for m in queries.materials_of(meeting.id):
        by_item[m.agenda_item_id].append(m)
    sections_html = []
    for entry in hooks.sections:
        if hooks.section_part(entry):
            sections_html.append(Markup(_section_slot(entry.key)))  # kept apart: see _render_view
            continue
        rendered = hooks.render_section(entry, meeting, current_user)
        if rendered is not None:
            template, context = rendered
            # Each feature's section rendered with its own context (its keys as variables).
            sections_html.append(Markup(render_template(template, **context)))
    return render_template(
        "meetings/_view_body.html", meeting=meeting, agenda=meeting.agenda_items,
        materials_by_item=by_item, contact_phone=format_phone(meeting.contact_phone),
        contact_whatsapp=whatsapp_url(meeting.contact_phone),
        transitions=lifecycle.allowed_transitions(meeting), note_required=lifecycle.NOTE_REQUIRED,
        history=history, sections_html=sections_html,
    )


@bp.route("/<int:meeting_id>/status", methods=["POST"])
@roles(COMMITTEE)
@with_meeting("meeting.change_status")
def change_status(meeting):
    """Move the meeting along its lifecycle (a reason where the lifecycle asks for one)."""
    form = TransitionForm()
    if not form.validate():
        flash(_("A meeting cannot go from this status to the chosen one."), "danger")
        return redirect(url_for("meetings.view", meeting_id=meeting.id))
    from_status, to_status = meeting.status, form.to_status.data
    with domain_action() as done:
        services.change_status(meeting, to_status, current_user, note=form.note.data,
                               expected_from=form.expected.data or None)
    if done.ok:
        flash(_("Meeting reopened.") if lifecycle.is_reopen(from_status, to_status)
              else _("Status changed to %(status)s.", status=MeetingStatus(to_status).label), "success")
    return redirect(url_for("meetings.view", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/calendar.ics")
@authenticated
@with_meeting("meeting.view")
def ics_file(meeting):
    """The meeting as an iCalendar file; SEQUENCE grows with each status change."""
    body = ics.meeting_calendar(meeting, queries.agenda_of(meeting.id),
                                sequence=queries.calendar_sequence(meeting),
                                url=external_url("meetings.view", meeting_id=meeting.id))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = content_disposition(f"rapat-{meeting.id}.ics")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
