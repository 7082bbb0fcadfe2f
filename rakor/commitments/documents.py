"""Berita acara kesepakatan (agreement record), in the order of a berita acara of tata naskah
dinas (Permendagri 1/2023): the opening formula with the date in words and the place, the
parties (the province, through the meeting's chair, and each region's representative), the
agreed commitments grouped by region with budget totals, the closing formula, and the signature
page, its heading kept with the closing text.

Until the meeting's commitments close it is rendered on demand from what is agreed so far. When
they close (the meeting becomes "minutes final", rakor/meetings/lifecycle.py), `finalise_agreement`
makes it final once: numbered, rendered as PDF/A, signed with the organising agency's certificate
when one is set up (rakor/documents/signing.py) and stored (`AgreementRecord`); from then on
every download and `flask documents render ID agreement` serve those bytes, and its verification
page (/v/<code>) shows their SHA-256."""
import hashlib
from collections import OrderedDict
from decimal import Decimal

import segno
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from rakor.commitments import queries
from rakor.commitments.lifecycle import CommitmentStatus
from rakor.commitments.models import AgreementRecord, Commitment
from rakor.core.formatting import (
    format_date_medium,
    format_datetime_local,
    format_number,
    format_rupiah,
    local_date,
    with_unit,
)
from rakor.core.types import utcnow
from rakor.documents import signing
from rakor.documents.formatting import Signatory, date_in_words, meeting_when, place_date_line
from rakor.documents.pdf import html_to_pdf, render_html, render_pdf
from rakor.documents.registry import DocumentKind
from rakor.documents.verification import VerifiedDocument, new_code, verification_url
from rakor.extensions import db
from rakor.numbering import services as numbering
from rakor.numbering.services import document_key
from rakor.regions.letterhead import government_line, letterhead_for
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


def agreement_context(meeting, user=None, record=None, signed=False):
    """The template's context; `record`: the final one being made (nomor, verification address),
    `signed`: the stamp's place is reserved."""
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
        # The nomor from the register, once the commitments closed (finalise_agreement).
        "document_number": record.nomor if record is not None else None,
        "in_words": date_in_words(signed_day),
        "province": province_party(meeting, organizer),
        "regions": regions, "total": format_rupiah(total, LOCALE),
        "count": format_number(sum(r["count"] for r in regions), locale=LOCALE),
        "printed_on": format_date_medium(local_date(record.finalised_at if record is not None else utcnow(),
                                                    meeting.timezone), LOCALE),
        "city": meeting.city or "",
        "meeting_day": format_date_medium(local_date(meeting.starts_at, meeting.timezone), LOCALE),
        "final": record is not None, "nomor": record.nomor if record is not None else None,
        "verification_url": record.verification_url if record is not None else None,
        "qr": qr_data_uri(record.verification_url) if record is not None else None,
        "final_note": (f"Berita acara final, ditetapkan pada "
                       f"{format_datetime_local(record.finalised_at, meeting.timezone, LOCALE)}.")
        if record is not None else None,
        "signature_slot": signing.signature_slot() if record is not None and signed else None,
        "place_date": place_date_line(meeting, organizer, signed_day),
    }


# --- the final berita acara -------------------------------------------------------------------

def finalise_agreement(meeting, user=None, now=None) -> AgreementRecord | None:
    """Make the meeting's berita acara final, once: numbered, signed, stored. Runs when the
    meeting's commitments close (its move to "minutes final"); a meeting with no agreed
    commitment has no berita acara. Returns the record (the one already made, if any)."""
    existing = queries.agreement_record(meeting.id)
    if existing is not None:
        return existing
    if not agreed_by_region(meeting.id):
        return None
    organizer = db.session.get(Agency, meeting.organizer_agency_id)
    demo = meeting.is_demo
    identity = signing.identity_for(organizer, demo=demo)  # an unusable certificate refuses here
    code = new_code()
    record = AgreementRecord(meeting_id=meeting.id, verification_code=code,
                             verification_url=verification_url(code), finalised_at=now or utcnow(),
                             finalised_by_id=getattr(user, "id", None))
    record.nomor = agreement_number(meeting, organizer, record.finalised_at)
    context = agreement_context(meeting, record=record, signed=identity is not None)
    pdf = html_to_pdf(render_html(TEMPLATE, for_pdf=True, **context))
    final = signing.finish_final_pdf(pdf, identity, verification_url=record.verification_url,
                                     timezone=meeting.timezone, reason="Berita acara kesepakatan final",
                                     location=meeting.city)
    record.content, record.size = final.content, len(final.content)
    record.sha256 = hashlib.sha256(final.content).hexdigest()
    record.record_final(final)
    db.session.add(record)
    db.session.flush()
    return record


def agreement_number(meeting, organizer, when) -> str | None:
    """The berita acara's nomor: the organising agency's next number, reserved when the meeting's
    commitments close (the number it already has when asked again)."""
    return numbering.reserve_number(
        organizer.id, "agreement", key=document_key("agreement", meeting.id),
        subject=f"Berita Acara Kesepakatan {meeting.title}", meeting_id=meeting.id, at=when).number


def qr_data_uri(url):
    return segno.make(url, error="m").svg_data_uri(scale=3, border=0, dark="#000")


def verified_agreement(code) -> VerifiedDocument | None:
    found = queries.agreement_by_code(code)
    if found is None:
        return None
    record, meeting, finaliser = found
    return VerifiedDocument(
        kind="Berita Acara Kesepakatan", meeting_title=meeting.title, meeting_starts_at=meeting.starts_at,
        timezone=meeting.timezone, sha256=record.sha256, finalised_at=record.finalised_at,
        finalised_by=finaliser, nomor=record.nomor, page_count=record.page_count, signer=record.signer,
        signer_issuer=record.signer_issuer, signed_at=record.signed_at)


def _kind_pdf(meeting, user, draft=False):
    """The stored final berita acara byte for byte; before the commitments close (or with
    --draft), the record as it stands, rendered now."""
    if not draft:
        stored = queries.agreement_content(meeting.id)
        if stored is not None:
            return stored
    return render_agreement(meeting)


AGREEMENT = DocumentKind(
    "agreement", "Berita Acara Kesepakatan", "berita-acara-kesepakatan", TEMPLATE, agreement_context,
    permission="meeting.view", label=_l("Agreement record (PDF)"), pdf=_kind_pdf)


def render_agreement(meeting) -> bytes:
    return render_pdf(TEMPLATE, **agreement_context(meeting))
