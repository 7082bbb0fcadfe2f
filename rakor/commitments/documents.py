"""Berita acara kesepakatan (agreement record): the agreed commitments of a meeting grouped by
region, with budget totals per region and overall, and a signature line per region."""
from collections import OrderedDict
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.commitments import queries
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core.formatting import format_date_medium, format_number, format_rupiah, local_date
from rakor.core.types import utcnow
from rakor.documents.formatting import format_nip, meeting_when
from rakor.documents.pdf import render_pdf
from rakor.documents.registry import DocumentKind
from rakor.extensions import db
from rakor.regions.letterhead import letterhead_for
from rakor.regions.models import Agency, Region

LOCALE = "id"
TEMPLATE = "documents/agreement.html"


def agreed_by_region(meeting_id):
    """[(region, agency, [commitment...], subtotal)] in region-code order (1 query)."""
    stmt = (select(Commitment).join(Agency, Agency.id == Commitment.agency_id)
            .join(Region, Region.id == Agency.region_id)
            .where(Commitment.meeting_id == meeting_id, Commitment.status == CommitmentStatus.AGREED)
            .options(joinedload(Commitment.agency).joinedload(Agency.region),
                     joinedload(Commitment.indicator), joinedload(Commitment.programme))
            .order_by(Region.kemendagri_code, Agency.name, Commitment.sequence))
    groups = OrderedDict()
    for c in db.session.scalars(stmt).unique():
        groups.setdefault(c.agency_id, (c.agency, []))[1].append(c)
    return [(agency.region, agency, items, sum((c.budget or Decimal(0)) for c in items))
            for agency, items in groups.values()]


def _row(c):
    indicator = c.indicator
    if indicator is not None and c.target_value is not None:
        d = indicator.decimals
        baseline = format_number(c.baseline_value, d, LOCALE) if c.baseline_value is not None else "–"
        values = f"{baseline} → {format_number(c.target_value, d, LOCALE)}"
        if indicator.unit:
            values += f" {indicator.unit}"
        if c.baseline_year:
            values += f" (baseline {c.baseline_year})"
        indicator_name = indicator.name
    else:
        indicator_name, values = "–", "–"
    return {
        "reference": c.reference, "title": c.title, "programme_code": c.programme_code or "",
        "programme_name": c.programme.name if c.programme else "", "indicator": indicator_name,
        "change": values,
        "target_date": format_date_medium(c.target_date, LOCALE) if c.target_date else "",
        "budget": format_rupiah(c.budget, LOCALE) if c.budget is not None else "–",
        "office": c.responsible_office or "",
    }


def agreement_context(meeting, user=None):
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    day, time_range = meeting_when(meeting, LOCALE)
    saved, proposed = queries.signatories(meeting), queries.proposed_signatories(meeting)
    regions, total = [], Decimal(0)
    for region, agency, items, subtotal in agreed_by_region(meeting.id):
        signer = saved.get(agency.id) or proposed.get(agency.id)
        regions.append({
            "name": region.name, "code": region.kemendagri_code, "agency": agency.name,
            "rows": [_row(c) for c in items], "count": len(items),
            "subtotal": format_rupiah(subtotal, LOCALE),
            "signer": {"name": getattr(signer, "name", None) or "", "position": getattr(signer, "position", None) or "",
                       "nip": format_nip(getattr(signer, "nip", None))},
        })
        total += subtotal
    return {
        "meeting": meeting, "organizer": organizer, "letterhead": letterhead_for(organizer),
        "document_title": "Berita Acara Kesepakatan", "day": day, "time_range": time_range,
        "place": ", ".join(p for p in (meeting.venue, meeting.city) if p),
        "regions": regions, "total": format_rupiah(total, LOCALE),
        "count": format_number(sum(r["count"] for r in regions), locale=LOCALE),
        "printed_on": format_date_medium(local_date(utcnow(), meeting.timezone), LOCALE),
        "city": meeting.city or "",
        "meeting_day": format_date_medium(local_date(meeting.starts_at, meeting.timezone), LOCALE),
    }


AGREEMENT = DocumentKind(
    "agreement", "Berita Acara Kesepakatan", "berita-acara-kesepakatan", TEMPLATE, agreement_context,
    permission="meeting.view", label=_l("Agreement record (PDF)"))


def render_agreement(meeting) -> bytes:
    return render_pdf(TEMPLATE, **agreement_context(meeting))
