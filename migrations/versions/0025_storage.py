"""stored final documents (minutes_pdf, agreement_record, monitoring_report) keep their bytes in
the storage (rakor/storage) under storage_key; their content column stays, nullable, for rows
made before, until `flask storage migrate` moves them

Revision ID: 0025_storage
Revises: 0024_tenancy
Create Date: 2026-12-06 19:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_storage'
down_revision = '0024_tenancy'
branch_labels = None
depends_on = None

TABLES = ('minutes_pdf', 'agreement_record', 'monitoring_report')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('storage_key', sa.String(length=120), nullable=True))
            batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # Only possible while every row still has its bytes in the database (before new files were
    # stored, or after copying them back): NOT NULL fails otherwise, and nothing is lost.
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('content', existing_type=sa.LargeBinary(), nullable=False)
            batch_op.drop_column('storage_key')
