from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rakor.core.types import UTCDateTime, utcnow
from rakor.extensions import db

REGION_KINDS = ("provinsi", "kabupaten", "kota")
ABBREVIATION_SEPARATOR = "|"


def split_abbreviations(text) -> list[str]:
    return [a.strip() for a in (text or "").split(ABBREVIATION_SEPARATOR) if a.strip()]


class Region(db.Model):
    """An administrative region. Kemendagri ('63.02') and BPS ('6302') codes are kept apart:
    they coincide in South Kalimantan but not everywhere, and offices use both."""

    __tablename__ = "region"
    __table_args__ = (CheckConstraint(f"kind IN {REGION_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kemendagri_code: Mapped[str] = mapped_column(String(13), unique=True)
    bps_code: Mapped[str | None] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    # Short forms people write for the region ('HSU', 'Batola'), separated by '|': shipped in
    # the region data file, extended by the administrator, read by the import's matching.
    abbreviations: Mapped[str | None] = mapped_column(String(300))

    parent: Mapped["Region | None"] = relationship(remote_side=[id], lazy="joined")

    @property
    def aliases(self) -> list[str]:
        return split_abbreviations(self.abbreviations)

    @property
    def province_code(self):
        return self.kemendagri_code.split(".")[0]

    def __repr__(self):
        return f"<Region {self.kemendagri_code} {self.name}>"


class Agency(db.Model):
    """A government agency (instansi), e.g. 'Bappeda Kabupaten Kotabaru'."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(60))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    is_planning_agency: Mapped[bool] = mapped_column(default=True)
    # The agency it stands under (issue 22, tenancy): a regency's OPD (dinas) under the regency's
    # Bappeda, which may invite it to its own meetings and oversees it. None: a planning agency
    # (Bappeda), placed by its region in the region tree.
    parent_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    # The letterhead (kop surat) of the documents it organises: logo (a server-made file name
    # under UPLOAD_DIR/logos), address line, phone, e-mail and website.
    logo_stored_name: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    website: Mapped[str | None] = mapped_column(String(200))
    # The head of the agency (Kepala Badan), who signs its letters: jabatan, name, pangkat/golongan
    # ('Pembina Utama Muda (IV/c)') and NIP.
    head_position: Mapped[str | None] = mapped_column(String(200))
    head_name: Mapped[str | None] = mapped_column(String(200))
    head_rank: Mapped[str | None] = mapped_column(String(100))
    head_nip: Mapped[str | None] = mapped_column(String(18))

    region: Mapped[Region] = relationship(lazy="joined")

    def __repr__(self):
        return f"<Agency {self.short_name}>"


class AgencyContact(db.Model):
    """A person the committee reaches at an agency (the address book), kept between meetings:
    invitations take their e-mail, the WhatsApp buttons their number (E.164)."""

    __tablename__ = "agency_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    # Whose address book it is (issue 22, tenancy): the organizing agency whose committee keeps
    # it. None: the shared book of before tenancy, which instance-wide accounts keep and every
    # committee reads (rakor/participants/contacts.py).
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str | None] = mapped_column(String(200))  # jabatan
    email: Mapped[str | None] = mapped_column(String(254))
    whatsapp: Mapped[str | None] = mapped_column(String(20))
    # The one invitations are addressed to; the others are listed beside it.
    is_primary: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship(lazy="raise", foreign_keys=[agency_id])


class Programme(db.Model):
    """A programme of the national planning and budgeting nomenclature (Kepmendagri
    050-5889/2021 as updated by 900.1.15.5-1317/2023), e.g. '1.02.02' PROGRAM PEMENUHAN UPAYA
    KESEHATAN. Naming it on a commitment lets the commitment be traced to RKPD/APBD lines."""

    __tablename__ = "programme"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    urusan: Mapped[str] = mapped_column(String(200))
    bidang: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))

    def __repr__(self):
        return f"<Programme {self.code}>"
