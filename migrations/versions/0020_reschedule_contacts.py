"""meeting date changes (history of moves) and the agencies' address book

Revision ID: 0020_reschedule_contacts
Revises: 0014_numbering_letterhead
Create Date: 2026-12-06 15:09:35.939687

"""
from alembic import op
import sqlalchemy as sa

import rakor.core.types


# revision identifiers, used by Alembic.
revision = '0020_reschedule_contacts'
down_revision = '0014_numbering_letterhead'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('agency_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('whatsapp', sa.String(length=20), nullable=True),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('updated_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_agency_contact_agency_id_agency'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_contact'))
    )
    with op.batch_alter_table('agency_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_contact_agency_id'), ['agency_id'], unique=False)

    op.create_table('meeting_date_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('from_starts_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('from_ends_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('to_starts_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('to_ends_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('agenda_items_moved', sa.Integer(), server_default='0', nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('notified_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_date_change_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_meeting_date_change_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_date_change'))
    )
    with op.batch_alter_table('meeting_date_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_date_change_meeting_id'), ['meeting_id'], unique=False)



def downgrade():
    with op.batch_alter_table('meeting_date_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_date_change_meeting_id'))

    op.drop_table('meeting_date_change')
    with op.batch_alter_table('agency_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_contact_agency_id'))

    op.drop_table('agency_contact')
