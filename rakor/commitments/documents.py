"""Berita acara kesepakatan (agreement record), in the order of a berita acara of tata naskah
dinas (Permendagri 1/2023): the opening formula with the date in words and the place, the
parties (the province, through the meeting's chair, and each region's representative), the
agreed commitments grouped by region with budget totals, the closing formula, and the signature
page, its heading kept with the closing text."""
from collections import OrderedDict
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.commitments import queries
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import Commitment
from rakor.core.formatting import format_date_medium, format_number, format_rupiah, local_date, with_unit
from rakor.core.types import utcnow
from rakor.documents.formatting import Signatory, date_in_words, meeting_when, place_date_line
from rakor.documents.letterhead import government_line, letterhead_for
from rakor.documents.pdf import render_pdf
from rakor.documents.registry import DocumentKind
from rakor.extensions import db
from rakor.regions.models import Agency, Region

LOCALE = "id"
TEMPLATE = "documents/agreement.html"
NO_INDICATOR = "Tanpa indikator angka"
NO_TARGET = "Capaian dinyatakan dalam persen pada laporan triwulanan"


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
        values = with_unit(f"{baseline} → {format_number(c.target_value, d, LOCALE)}", indicator.unit)
        if c.baseline_year:
            values += f" (nilai dasar {c.baseline_year})"
        indicator_name = indicator.name
    else:
        # A commitment measured by no number (progress reports a stated percent): said in
        # words, never a dash that reads as a value left out.
        indicator_name, values = NO_INDICATOR, NO_TARGET
    return {
        "reference": c.reference, "title": c.title, "programme_code": c.programme_code or "",
        "programme_name": c.programme.name if c.programme else "", "indicator": indicator_name,
        "change": values,
        "target_date": format_date_medium(c.target_date, LOCALE) if c.target_date else "",
        "budget": format_rupiah(c.budget, LOCALE) if c.budget is not None else "–",
        "office": c.responsible_office or "",
    }


def government_of(region) -> str:
    """'Pemerintah Kabupaten Tanah Laut': on whose behalf a party signs."""
    return government_line(region).title().replace(" Dan ", " dan ")


def province_party(meeting, organizer) -> Signatory:
    """The province's signatory: the meeting's chair, on behalf of the organizer's government.
    The chair led the meeting in which the commitments were agreed and is there to sign on the
    day, as the regions' representatives are; the head of the agency often is not. Finalising
    the minutes requires the chair's NIP and jabatan, so they are on file."""
    return Signatory.of(meeting.chair_name, meeting.chair_position, meeting.chair_rank, meeting.chair_nip,
                        on_behalf=government_of(organizer.region))


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
            "signer": Signatory.of(*(getattr(signer, k, None) for k in ("name", "position", "rank", "nip")),
                                   on_behalf=government_of(region)),
        })
        total += subtotal
    # The agreement is made, and signed, on the meeting's last day.
    signed_day = local_date(meeting.ends_at, meeting.timezone)
    return {
        "meeting": meeting, "organizer": organizer, "letterhead": letterhead_for(organizer),
        "document_title": "Berita Acara Kesepakatan", "day": day, "time_range": time_range,
        "place": ", ".join(p for p in (meeting.venue, meeting.city) if p),
        # h17a (numbering) fills this with the reserved nomor; the template prints it when set.
        "document_number": None,
        "in_words": date_in_words(signed_day),
        "province": province_party(meeting, organizer),
        "regions": regions, "total": format_rupiah(total, LOCALE),
        "count": format_number(sum(r["count"] for r in regions), locale=LOCALE),
        "printed_on": format_date_medium(local_date(utcnow(), meeting.timezone), LOCALE),
        "place_date": place_date_line(meeting, organizer, signed_day),
    }


AGREEMENT = DocumentKind(
    "agreement", "Berita Acara Kesepakatan", "berita-acara-kesepakatan", TEMPLATE, agreement_context,
    permission="meeting.view", label=_l("Agreement record (PDF)"))


def render_agreement(meeting) -> bytes:
    return render_pdf(TEMPLATE, **agreement_context(meeting))
