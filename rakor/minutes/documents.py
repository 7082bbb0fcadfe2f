"""Notulen rapat: the minutes as a PDF in the customary Indonesian layout, and the on-screen view
of the same template.

- A draft renders on demand, with a DRAFT watermark on every page.
- A final revision is rendered once, by `publish_final_pdf`, and stored with its SHA-256
  (`MinutesPdf`); every download serves those bytes. It prints a QR code and the short address of
  the public verification page, which shows the same hash.

`render_minutes_pdf(meeting, revision)` is the one place that turns a revision into PDF bytes;
`publish_final_pdf(meeting, revision)` is the one call that renders and stores a final version
(finalisation, the download of a version whose PDF is missing, the demo): a job queue takes
over there when rendering must leave the request."""
import hashlib
import logging

import segno
from flask_babel import lazy_gettext as _l
from redis.exceptions import RedisError
from sqlalchemy import select

from rakor.auth.models import User
from rakor.commitments.documents import agreed_by_region
from rakor.core.formatting import (
    format_date_medium,
    format_datetime_local,
    format_number,
    format_rupiah,
    format_time,
    local_date,
)
from rakor.core.types import utcnow
from rakor.documents import jobs
from rakor.documents.formatting import LOCALE, format_nip, meeting_when
from rakor.documents.letterhead import letterhead_for
from rakor.documents.pdf import html_to_pdf, render_html, render_pdf
from rakor.documents.registry import DocumentKind
from rakor.extensions import db
from rakor.minutes import content, queries
from rakor.minutes.models import MinutesPdf, MinutesRevision
from rakor.participants.documents import attendance_rows
from rakor.participants.stats import meeting_stats
from rakor.policy import can
from rakor.regions.models import Agency

log = logging.getLogger(__name__)

TEMPLATE = "documents/minutes.html"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _slot(item, tz):
    if item.starts_at is None:
        return ""
    start = format_time(item.starts_at, tz, LOCALE, with_zone=False)
    if item.ends_at is None:
        return start
    return f"{start} – {format_time(item.ends_at, tz, LOCALE, with_zone=False)}"


def _commitment_row(c):
    indicator = c.indicator
    target = ""
    if indicator is not None and c.target_value is not None:
        target = format_number(c.target_value, indicator.decimals, LOCALE)
        if indicator.unit:
            target += f" {indicator.unit}"
        target = f"{indicator.name}: {target}"
    return {"title": c.title, "programme_code": c.programme_code or "", "target": target,
            "target_date": format_date_medium(c.target_date, LOCALE) if c.target_date else "",
            "budget": format_rupiah(c.budget, LOCALE) if c.budget is not None else "–",
            "office": c.responsible_office or "", "reference": c.reference}


def qr_data_uri(url):
    """The URL as a small QR code, an SVG data: URL (no file, nothing fetched)."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=0, dark="#000")


def _name_of(user_id):
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user is not None else ""


def minutes_context(meeting, revision):
    """The template's context for `revision` of `meeting`'s minutes (final or draft)."""
    tz = meeting.timezone
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    day, time_range = meeting_when(meeting, LOCALE)
    body = content.normalise(revision.body)
    stats = meeting_stats(meeting.id)
    items = []
    for item in queries.agenda_of(meeting.id):
        notes = content.item_notes(body, item.id)
        items.append({
            "title": item.title, "slot": _slot(item, tz), "presenter": item.presenter or "",
            "topic": item.topic.name if item.topic else (item.free_topic or ""),
            "discussion": content.to_html(notes["discussion"]),
            "conclusions": content.to_html(notes["conclusions"]),
        })
    regions = [{"name": region.name, "code": region.kemendagri_code, "agency": agency.name,
                "rows": [_commitment_row(c) for c in rows], "subtotal": format_rupiah(subtotal, LOCALE)}
               for region, agency, rows, subtotal in agreed_by_region(meeting.id)]
    final = revision.is_final
    place = ", ".join(p for p in (meeting.venue, meeting.city) if p)
    signed_day = local_date(revision.finalised_at if final else meeting.ends_at, tz)
    return {
        "meeting": meeting, "organizer": organizer, "letterhead": letterhead_for(organizer),
        "document_title": "Notulen Rapat", "day": day, "time_range": time_range, "place": place,
        "revision": revision, "final": final, "version": revision.version,
        "opening": content.to_html(body["opening"]), "closing": content.to_html(body["closing"]),
        "conclusions": content.to_html(body["conclusions"]), "items": items, "regions": regions,
        "commitment_count": sum(len(r["rows"]) for r in regions),
        "stats": stats, "agency_rows": stats.rows,
        "registered": format_number(stats.registered, locale=LOCALE),
        "present": format_number(stats.checked_in, locale=LOCALE),
        "agency_count": len([r for r in stats.rows if r.registered]),
        # The annex prints names, agencies and presence, no NIPs or positions: one stored file
        # is read by every delegate of the meeting (see participants/documents.py).
        "attendance": attendance_rows(meeting.id, details_of=lambda _agency_id: False, timezone=meeting.timezone),
        "chair": {"name": meeting.chair_name or "", "position": meeting.chair_position or "",
                  "nip": format_nip(meeting.chair_nip)},
        "minute_taker": {"name": meeting.minute_taker_name or "", "nip": format_nip(meeting.minute_taker_nip)},
        "signed_place_date": ", ".join(p for p in (meeting.city, format_date_medium(signed_day, LOCALE)) if p),
        "finalised_on": format_datetime_local(revision.finalised_at, tz, LOCALE) if final else "",
        "finalised_by": _name_of(revision.finalised_by_id) if final else "",
        "verification_url": revision.verification_url if final else None,
        "qr": qr_data_uri(revision.verification_url) if final and revision.verification_url else None,
        "numerals": ROMAN,
    }


def minutes_size(context) -> int:
    """The table rows the minutes print (attendance annex, commitments, agencies): what makes a
    notulen long. From DOCUMENT_QUEUE_THRESHOLD rows a draft goes to the document worker."""
    return len(context["attendance"]) + context["commitment_count"] + len(context["agency_rows"])


def minutes_pdf_html(meeting, revision) -> tuple[str, int]:
    """(the HTML `render_minutes_pdf` renders, its rows): for a draft rendered by the worker."""
    context = minutes_context(meeting, revision)
    return render_html(TEMPLATE, for_pdf=True, **context), minutes_size(context)


def render_minutes_pdf(meeting, revision) -> bytes:
    """PDF bytes of `revision` (a draft carries the watermark). The one renderer of minutes."""
    return render_pdf(TEMPLATE, **minutes_context(meeting, revision))


def render_minutes_html(meeting, revision) -> str:
    """The same template on screen."""
    return render_html(TEMPLATE, for_pdf=False, **minutes_context(meeting, revision))


def publish_final_pdf(meeting, revision, pdf=None) -> MinutesPdf:
    """Render final `revision` once and store the bytes with their SHA-256 (idempotent: a PDF
    already stored is returned as it is). The revision row is locked while it renders, so two
    requests never store two different files. `pdf`: the bytes, already rendered by the document
    worker (`prepare_final_pdf`)."""
    locked = db.session.scalar(select(MinutesRevision).where(MinutesRevision.id == revision.id)
                               .with_for_update().execution_options(populate_existing=True))
    if locked is None or not locked.is_final:
        raise ValueError("only a final revision is published")
    stored = queries.stored_pdf(locked.id)
    if stored is not None:
        return stored
    if pdf is None:
        pdf = render_minutes_pdf(meeting, locked)
    stored = MinutesPdf(revision_id=locked.id, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf),
                        content=pdf, rendered_at=utcnow())
    db.session.add(stored)
    db.session.flush()
    return stored


def prepare_final_pdf(meeting, revision, retry=False):
    """The stored PDF of final `revision`, rendering and storing it when it is missing: in this
    request for a meeting below DOCUMENT_QUEUE_THRESHOLD rows or without a queue (as
    `publish_final_pdf`), else by the document worker. Returns the `MinutesPdf`, or, while the
    worker has not made it, `(jobs.Prepared, rows)`: PREPARING or FAILED (then `retry` starts it
    again). The worker's bytes are stored like any other (SHA-256, served as stored from then on);
    Redis only carries them from the worker to the first request that asks after it is done."""
    stored = queries.stored_pdf(revision.id)
    if stored is not None:
        return stored
    html, rows = minutes_pdf_html(meeting, revision)
    if not jobs.is_big(rows):
        return publish_final_pdf(meeting, revision, pdf=html_to_pdf(html))
    try:
        prepared = jobs.prepare(html, name="minutes-final", retry=retry)
    except RedisError:
        log.warning("Redis does not answer: rendering final minutes %s in the request", revision.id, exc_info=True)
        return publish_final_pdf(meeting, revision, pdf=html_to_pdf(html))
    if prepared.state == jobs.READY:
        return publish_final_pdf(meeting, revision, pdf=prepared.pdf)
    return prepared, rows


# --- the document kind: /meetings/<id>/documents/minutes.pdf|html and `flask documents render` --

def _kind_pdf(meeting, user, draft=False):
    if draft:
        if user is not None and not can(user, "minutes.view_draft", meeting):
            raise LookupError("no draft for this user")
        current = queries.current_revision(meeting.id)
        if current is None or current.is_final:
            raise LookupError("there is no draft: the minutes have no revision, or the current one is final")
        return render_minutes_pdf(meeting, current)
    final = queries.latest_final(meeting.id)
    if final is None:
        raise LookupError("the minutes have no final version yet (--draft gives the draft)")
    stored = queries.stored_pdf(final.id)
    if stored is None:
        raise LookupError(f"the PDF of version {final.version} is being prepared")
    return stored.content


def _kind_context(meeting, user):
    final = queries.latest_final(meeting.id)
    if final is None:
        raise LookupError("no final minutes")
    return minutes_context(meeting, final)


MINUTES = DocumentKind(
    name="minutes", title="Notulen Rapat", filename_prefix="notulen", template=TEMPLATE,
    context=_kind_context, permission="minutes.download", label=_l("Minutes (PDF)"),
    pdf=_kind_pdf, has_drafts=True)
