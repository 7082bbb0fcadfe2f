"""numbering of official documents (scheme, yearly sequence, register = buku agenda surat
keluar); what the invitation letter says beyond the meeting (sifat, place, tembusan); the
agency's e-mail and head (jabatan, name, pangkat/golongan, NIP) for the kop and
the signature of its letters

Revision ID: 0014_numbering_letterhead
Revises: 0013_progress_tally
"""
from alembic import op
import sqlalchemy as sa

revision = "0014_numbering_letterhead"
down_revision = "0013_progress_tally"
branch_labels = None
depends_on = None

KINDS = ("invitation", "agreement", "minutes", "monitoring")
NATURES = ("Biasa", "Penting", "Segera", "Sangat Segera", "Rahasia")


def upgrade():
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("head_position", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("head_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("head_rank", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("head_nip", sa.String(length=18), nullable=True))

    op.create_table(
        "numbering_scheme",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("invitation_template", sa.String(length=100), nullable=True),
        sa.Column("agreement_template", sa.String(length=100), nullable=True),
        sa.Column("minutes_template", sa.String(length=100), nullable=True),
        sa.Column("monitoring_template", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_numbering_scheme_agency_id_agency"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_numbering_scheme")),
    )
    op.create_table(
        "number_sequence",
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_number_sequence_agency_id_agency"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agency_id", "year", name=op.f("pk_number_sequence")),
    )
    op.create_table(
        "registered_number",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("document_key", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("addressee", sa.String(length=300), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("is_manual", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("reserved_at", sa.DateTime(), nullable=False),
        sa.Column("reserved_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(f"kind IN {KINDS}", name=op.f("ck_registered_number_kind")),
        sa.CheckConstraint("(seq IS NULL) = is_manual", name=op.f("ck_registered_number_seq_unless_manual")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_registered_number_agency_id_agency"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_registered_number_meeting_id_meeting"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reserved_by_id"], ["user_account.id"],
                                name=op.f("fk_registered_number_reserved_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registered_number")),
        sa.UniqueConstraint("agency_id", "number", name="uq_registered_number_agency_number"),
        sa.UniqueConstraint("agency_id", "document_key", name="uq_registered_number_agency_document"),
        sa.UniqueConstraint("agency_id", "year", "seq", name="uq_registered_number_agency_seq"),
    )
    op.create_index("ix_registered_number_agency_year", "registered_number", ["agency_id", "year"])
    op.create_index(op.f("ix_registered_number_meeting_id"), "registered_number", ["meeting_id"])
    op.create_table(
        "invitation_letter",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("nature", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=True),
        sa.Column("copies", sa.Text(), nullable=True),
        sa.CheckConstraint(f"nature IN {NATURES}", name=op.f("ck_invitation_letter_nature")),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"], name=op.f("fk_invitation_letter_meeting_id_meeting"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("meeting_id", name=op.f("pk_invitation_letter")),
    )


def downgrade():
    op.drop_table("invitation_letter")
    op.drop_table("registered_number")
    op.drop_table("number_sequence")
    op.drop_table("numbering_scheme")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        for column in ("head_nip", "head_rank", "head_name", "head_position", "email"):
            batch_op.drop_column(column)
