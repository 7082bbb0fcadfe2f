"""The numbering scheme of an agency, its yearly sequence and the register of numbers given."""
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db


class DocumentKind(StrEnum):
    """The documents Rakor numbers. The value is stored (register, scheme column names)."""

    INVITATION = "invitation"  # surat undangan
    AGREEMENT = "agreement"  # berita acara kesepakatan
    MINUTES = "minutes"  # notulen rapat
    MONITORING = "monitoring"  # laporan monitoring

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    DocumentKind.INVITATION: _l("Invitation letter"),
    DocumentKind.AGREEMENT: _l("Agreement record (berita acara)"),
    DocumentKind.MINUTES: _l("Minutes (notulen)"),
    DocumentKind.MONITORING: _l("Monitoring report"),
}
KINDS = tuple(k.value for k in DocumentKind)
DEFAULT_TEMPLATE = "000.1.5/{seq}/Bappeda/{year}"


class NumberingScheme(db.Model):
    """How an agency writes its numbers: one template for every kind, and optionally one per
    kind (each kind has its own classification code: undangan, berita acara, laporan...)."""

    __tablename__ = "numbering_scheme"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True)
    template: Mapped[str] = mapped_column(String(100), default=DEFAULT_TEMPLATE)
    invitation_template: Mapped[str | None] = mapped_column(String(100))
    agreement_template: Mapped[str | None] = mapped_column(String(100))
    minutes_template: Mapped[str | None] = mapped_column(String(100))
    monitoring_template: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def template_for(self, kind) -> str:
        return getattr(self, f"{DocumentKind(kind).value}_template") or self.template


class NumberSequence(db.Model):
    """The last sequence number given by an agency in a year. One series per agency and year
    for every kind: it is the line number of the buku agenda surat keluar, so the register
    counts without gaps; the classification code in the number tells the kinds apart."""

    __tablename__ = "number_sequence"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class RegisteredNumber(db.Model):
    """A line of the register: a number given (reserved from the sequence, or typed as the
    central mail office gave it) to one document. Numbers are unique per agency, so a number is
    never given twice; `document_key` ('invitation:meeting:12') names the document, so asking
    again for the same document returns its number instead of a new one."""

    __tablename__ = "registered_number"
    __table_args__ = (
        UniqueConstraint("agency_id", "number", name="uq_registered_number_agency_number"),
        UniqueConstraint("agency_id", "document_key", name="uq_registered_number_agency_document"),
        UniqueConstraint("agency_id", "year", "seq", name="uq_registered_number_agency_seq"),
        CheckConstraint(f"kind IN {KINDS}", name="kind"),
        CheckConstraint("(seq IS NULL) = is_manual", name="seq_unless_manual"),
        Index("ix_registered_number_agency_year", "agency_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    document_key: Mapped[str] = mapped_column(String(80))
    subject: Mapped[str] = mapped_column(String(300))  # perihal
    addressee: Mapped[str | None] = mapped_column(String(300))  # tujuan
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    is_manual: Mapped[bool] = mapped_column(default=False, server_default=false())
    reserved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reserved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    reserved_by = relationship("User", lazy="raise")

    @property
    def kind_label(self):
        return KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self):
        return f"<RegisteredNumber {self.number}>"
