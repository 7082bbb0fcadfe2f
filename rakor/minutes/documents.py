"""Notulen rapat: the minutes as a PDF in the customary Indonesian layout, and the on-screen view
of the same template.

- A draft renders on demand, with a DRAF watermark on every page.
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
from rakor.commitments.documents import NO_INDICATOR, NO_TARGET, agreed_by_region
from rakor.core.formatting import (
    format_date_medium,
    format_datetime_local,
    format_number,
    format_rupiah,
    format_time,
    local_date,
    with_unit,
)
from rakor.core.types import utcnow
from rakor.documents import jobs, signing
from rakor.documents.formatting import LOCALE, Signatory, meeting_when, place_date_line
from rakor.documents.pdf import html_to_pdf, render_html, render_pdf
from rakor.documents.registry import DocumentKind
from rakor.documents.verification import VerifiedDocument
from rakor.extensions import db
from rakor.minutes import content, queries
from rakor.minutes.models import MinutesPdf, MinutesRevision
from rakor.numbering.queries import number_for
from rakor.participants.documents import attendance_rows
from rakor.participants.stats import invited_agency_rows, meeting_stats
from rakor.policy import can
from rakor.regions.letterhead import letterhead_for
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
    target = f"{NO_INDICATOR}; {NO_TARGET[0].lower()}{NO_TARGET[1:]}"
    if indicator is not None and c.target_value is not None:
        target = with_unit(format_number(c.target_value, indicator.decimals, LOCALE), indicator.unit)
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


def _number_of(meeting, revision):
    entry = number_for(meeting.organizer_agency_id, queries.minutes_key(meeting, revision.version))
    return entry.number if entry else None


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
    # Signed on the day it is finalised. A draft is not signed: its place line leaves the date
    # to be filled in (neither the meeting's day, which a finalisation days later contradicts,
    # nor today's, which would make the same draft another document every day: the document
    # queue keys a rendering by its HTML).
    signed_line = (place_date_line(meeting, organizer, local_date(revision.finalised_at, tz)) if final
                   else place_date_line(meeting, organizer, None))
    agency_rows = invited_agency_rows(meeting.id)
    return {
        "meeting": meeting, "organizer": organizer, "letterhead": letterhead_for(organizer),
        "document_title": "Notulen Rapat", "day": day, "time_range": time_range, "place": place,
        "revision": revision, "final": final, "version": revision.version,
        "number": _number_of(meeting, revision) if final else None,
        "opening": content.to_html(body["opening"]), "closing": content.to_html(body["closing"]),
        "conclusions": content.to_html(body["conclusions"]), "items": items, "regions": regions,
        "commitment_count": sum(len(r["rows"]) for r in regions),
        # Section II: every invited agency, those that sent nobody marked "tidak hadir".
        "stats": stats, "agency_rows": agency_rows,
        "registered": format_number(stats.registered, locale=LOCALE),
        "present": format_number(stats.checked_in, locale=LOCALE),
        "agency_count": len([r for r in agency_rows if r.checked_in]),
        "invited_count": len(agency_rows),
        # The annex prints names, agencies and presence, no NIPs or positions: one stored file
        # is read by every delegate of the meeting (see participants/documents.py).
        "attendance": attendance_rows(meeting.id, details_of=lambda _agency_id: False, timezone=meeting.timezone),
        "chair": Signatory.of(meeting.chair_name, meeting.chair_position, meeting.chair_rank, meeting.chair_nip),
        "minute_taker": Signatory.of(meeting.minute_taker_name, meeting.minute_taker_position,
                                     meeting.minute_taker_rank, meeting.minute_taker_nip),
        "signed_place_date": signed_line,
        # The nomor from the register, reserved at finalisation (services.number_minutes).
        "document_number": _number_of(meeting, revision) if final else None,
        "finalised_on": format_datetime_local(revision.finalised_at, tz, LOCALE) if final else "",
        "finalised_by": _name_of(revision.finalised_by_id) if final else "",
        "verification_url": revision.verification_url if final else None,
        "final_note": (f"Notulen versi {revision.version} (final), difinalkan oleh {_name_of(revision.finalised_by_id) or '–'} "
                       f"pada {format_datetime_local(revision.finalised_at, tz, LOCALE)}.") if final else None,
        "signature_slot": signing.signature_slot() if final and signing.will_sign(organizer, demo=meeting.is_demo)
        else None,
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
    final = signing.sign_final_pdf(pdf, db.session.get(Agency, meeting.organizer_agency_id), demo=meeting.is_demo,
                                   verification_url=locked.verification_url, timezone=meeting.timezone,
                                   reason="Notulen rapat final", location=meeting.city)
    stored = MinutesPdf(revision_id=locked.id, sha256=hashlib.sha256(final.content).hexdigest(),
                        size=len(final.content), content=final.content, rendered_at=utcnow())
    stored.record_final(final)
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


# --- the public verification page (rakor/documents/verification.py) ----------------------------

def verified_minutes(code) -> VerifiedDocument | None:
    found = queries.verification(code)
    if found is None:
        return None
    revision, meeting, stored = found
    return VerifiedDocument(
        kind="Notulen Rapat", meeting_title=meeting.title, meeting_starts_at=meeting.starts_at,
        timezone=meeting.timezone, sha256=stored.sha256 if stored else None, version=revision.version,
        finalised_at=revision.finalised_at,
        finalised_by=revision.finalised_by.name if revision.finalised_by else None,
        nomor=_number_of(meeting, revision), page_count=stored.page_count if stored else None,
        signer=stored.signer if stored else None, signer_issuer=stored.signer_issuer if stored else None,
        signed_at=stored.signed_at if stored else None)


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
