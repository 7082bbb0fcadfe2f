"""laporan monitoring: realisasi fisik on progress updates (physical_percent), the report's
letter elements per meeting (monitoring_letter) and the issued, numbered reports
(monitoring_report)

Revision ID: 0022_monitoring_report
Revises: 0020_reschedule_contacts
Create Date: 2026-12-06 15:20:00

"""
from alembic import op
import sqlalchemy as sa

import rakor.core.types


# revision identifiers, used by Alembic.
revision = '0022_monitoring_report'
down_revision = '0020_reschedule_contacts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.add_column(sa.Column('physical_percent', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.create_check_constraint(op.f('ck_progress_update_physical_not_negative'),
                                         'physical_percent IS NULL OR physical_percent >= 0')
    op.create_table('monitoring_letter',
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('organizer_agency_id', sa.Integer(), nullable=False),
    sa.Column('addressee', sa.String(length=300), nullable=True),
    sa.Column('addressee_place', sa.String(length=100), nullable=True),
    sa.Column('place', sa.String(length=100), nullable=True),
    sa.Column('signer_position', sa.String(length=200), nullable=True),
    sa.Column('signer_name', sa.String(length=200), nullable=True),
    sa.Column('signer_rank', sa.String(length=100), nullable=True),
    sa.Column('signer_nip', sa.String(length=18), nullable=True),
    sa.Column('copies', sa.Text(), nullable=True),
    sa.Column('conclusions', sa.Text(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_monitoring_letter_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organizer_agency_id'], ['agency.id'], name=op.f('fk_monitoring_letter_organizer_agency_id_agency')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_monitoring_letter_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('meeting_id', name=op.f('pk_monitoring_letter'))
    )
    with op.batch_alter_table('monitoring_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_letter_organizer_agency_id'), ['organizer_agency_id'], unique=False)
    op.create_table('monitoring_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_monitoring_report_issued_by_id_user_account')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_monitoring_report_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_report')),
    sa.UniqueConstraint('meeting_id', 'number', name=op.f('uq_monitoring_report_meeting_id_number'))
    )
    with op.batch_alter_table('monitoring_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_monitoring_report_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_monitoring_report_sha256'), ['sha256'], unique=False)


def downgrade():
    with op.batch_alter_table('monitoring_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_report_sha256'))
        batch_op.drop_index(batch_op.f('ix_monitoring_report_meeting_id'))
    op.drop_table('monitoring_report')
    with op.batch_alter_table('monitoring_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_monitoring_letter_organizer_agency_id'))
    op.drop_table('monitoring_letter')
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_progress_update_physical_not_negative'), type_='check')
        batch_op.drop_column('physical_percent')
