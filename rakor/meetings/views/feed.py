"""The private calendar feed: each user may have one secret address (a revocable token) that
Google Calendar, Outlook or Thunderbird subscribe to, carrying the meetings the user may see;
a moved meeting comes with a higher SEQUENCE (queries.calendar_sequence)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from rakor.core.downloads import send_bytes
from rakor.core.urls import external_url
from rakor.core.web import domain_action
from rakor.extensions import limiter
from rakor.meetings import bp, ics, queries, services
from rakor.meetings.forms import CalendarFeedForm
from rakor.policy import authenticated, public


@bp.route("/calendar/subscribe", methods=["GET", "POST"])
@authenticated
def calendar_feed():
    """The user's feed address, to copy into a calendar; make (or replace) and revoke it."""
    form = CalendarFeedForm()
    if form.validate_on_submit():
        with domain_action() as done:
            if form.revoke.data:
                services.revoke_calendar_token(current_user)
            else:
                services.issue_calendar_token(current_user)
        if done.ok:
            flash(_("The calendar address was revoked; calendars subscribed to it get no more updates.")
                  if form.revoke.data else _("Your new calendar address is ready; the previous one no longer works."),
                  "success")
            return redirect(url_for("meetings.calendar_feed"))
    token = current_user.calendar_token
    address = external_url("meetings.calendar_feed_file", token=token) if token else None
    return render_template("meetings/calendar_feed.html", form=form, address=address)


@bp.route("/calendar/feed/<token>.ics")
@limiter.limit("60 per minute")
@public  # the token is the key: calendar clients cannot sign in
def calendar_feed_file(token):
    user = queries.calendar_feed_owner(token)
    if user is None:
        abort(404)
    entries = [(meeting, agenda, external_url("meetings.view", meeting_id=meeting.id), sequence)
               for meeting, agenda, sequence in queries.feed_entries(user)]
    body = ics.feed_calendar(entries, name=_("Rakor meetings"))
    response = send_bytes(body, "rakor.ics", "text/calendar; charset=utf-8", inline=True, cache="private, no-cache")
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
