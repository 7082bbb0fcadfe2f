"""checkin_mark: the history of the check-in desk's marks (online taps and marks made offline
and synced later, with the device's id and time), the source of a participant's presence

Revision ID: 0018_offline_checkin
Revises: 0017_checkers
"""
from alembic import op
import sqlalchemy as sa

from rakor.core.types import UTCDateTime

revision = '0018_offline_checkin'
down_revision = '0017_checkers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checkin_mark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mark_id', sa.String(length=36), nullable=False),
        sa.Column('meeting_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('device_at', UTCDateTime(), nullable=True),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.Column('received_at', UTCDateTime(), nullable=False),
        sa.Column('gap_seconds', sa.Integer(), nullable=True),
        sa.Column('desk_user_id', sa.Integer(), nullable=True),
        sa.Column('synced_by_id', sa.Integer(), nullable=True),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('reasons', sa.String(length=200), nullable=True),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.CheckConstraint("kind IN ('check_in', 'undo', 'walk_in')", name=op.f('ck_checkin_mark_kind')),
        sa.CheckConstraint("outcome IN ('accepted', 'merged', 'flagged', 'refused')",
                           name=op.f('ck_checkin_mark_outcome')),
        sa.CheckConstraint("source IN ('online', 'offline', 'server')", name=op.f('ck_checkin_mark_source')),
        sa.ForeignKeyConstraint(['desk_user_id'], ['user_account.id'],
                                name=op.f('fk_checkin_mark_desk_user_id_user_account')),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ondelete='CASCADE',
                                name=op.f('fk_checkin_mark_meeting_id_meeting')),
        sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], ondelete='CASCADE',
                                name=op.f('fk_checkin_mark_participant_id_participant')),
        sa.ForeignKeyConstraint(['synced_by_id'], ['user_account.id'],
                                name=op.f('fk_checkin_mark_synced_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_mark')),
        sa.UniqueConstraint('mark_id', name=op.f('uq_checkin_mark_mark_id')),
    )
    op.create_index('ix_checkin_mark_participant_at', 'checkin_mark', ['participant_id', 'at'], unique=False)
    op.create_index('ix_checkin_mark_meeting_outcome', 'checkin_mark', ['meeting_id', 'outcome'], unique=False)


def downgrade():
    op.drop_index('ix_checkin_mark_meeting_outcome', table_name='checkin_mark')
    op.drop_index('ix_checkin_mark_participant_at', table_name='checkin_mark')
    op.drop_table('checkin_mark')
