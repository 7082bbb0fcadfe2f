"""agency letterhead (logo, address, phone, website) and region abbreviations

The daftar hadir prints the organiser's logo and address line; the import matches regions by
the short forms people write ('Kab. HSU', 'Batola'). All columns are optional: existing
agencies keep a letterhead without logo or address, and `flask regions load` fills in the
abbreviations of the shipped region file.

Revision ID: 0008_agency_letterhead_abbrev
Revises: 0007_checkin_undo
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_agency_letterhead_abbrev'
down_revision = '0007_checkin_undo'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('logo_stored_name', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('website', sa.String(length=200), nullable=True))
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.add_column(sa.Column('abbreviations', sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_column('abbreviations')
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('website')
        batch_op.drop_column('phone')
        batch_op.drop_column('address')
        batch_op.drop_column('logo_stored_name')
