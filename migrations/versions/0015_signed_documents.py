"""signed documents (#17): the final berita acara of a meeting, stored once (agreement_record);
page count and electronic signature (signer, issuer, time) of every stored final document
(agreement_record, minutes_pdf), for the public verification page

Revision ID: 0015_signed_documents
Revises: 0019_notices_reminders_accounts
Create Date: 2026-12-06 15:12:11.049550

"""
from alembic import op
import sqlalchemy as sa

import rakor.core.types


# revision identifiers, used by Alembic.
revision = '0015_signed_documents'
down_revision = '0019_notices_reminders_accounts'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agreement_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('nomor', sa.String(length=100), nullable=True),
    sa.Column('verification_code', sa.String(length=24), nullable=False),
    sa.Column('verification_url', sa.String(length=300), nullable=False),
    sa.Column('finalised_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('page_count', sa.Integer(), nullable=True),
    sa.Column('signer', sa.String(length=200), nullable=True),
    sa.Column('signer_issuer', sa.String(length=200), nullable=True),
    sa.Column('signed_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['user_account.id'], name=op.f('fk_agreement_record_finalised_by_id_user_account')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agreement_record_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreement_record')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_agreement_record_meeting_id')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_agreement_record_verification_code'))
    )
    with op.batch_alter_table('agreement_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agreement_record_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('minutes_pdf', schema=None) as batch_op:
        batch_op.add_column(sa.Column('page_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('signer', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signer_issuer', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signed_at', rakor.core.types.UTCDateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('minutes_pdf', schema=None) as batch_op:
        batch_op.drop_column('signed_at')
        batch_op.drop_column('signer_issuer')
        batch_op.drop_column('signer')
        batch_op.drop_column('page_count')

    with op.batch_alter_table('agreement_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agreement_record_sha256'))

    op.drop_table('agreement_record')
