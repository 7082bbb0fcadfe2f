"""meetings, agenda, materials, topics; participants, quotas, invitations

Revision ID: 0002_meetings_participants
Revises: 0001_foundation
Create Date: 2026-11-27 17:55:10.714541

"""
from alembic import op
import sqlalchemy as sa

import rakor.core.types


# revision identifiers, used by Alembic.
revision = '0002_meetings_participants'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=True),
    sa.Column('direction', sa.String(length=10), nullable=True),
    sa.Column('is_indicator', sa.Boolean(), nullable=False),
    sa.CheckConstraint("direction IS NULL OR direction IN ('higher', 'lower')", name=op.f('ck_topic_direction')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic')),
    sa.UniqueConstraint('code', name=op.f('uq_topic_code'))
    )
    op.create_table('meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=True),
    sa.Column('organizer_agency_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('ends_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('venue', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('chair_name', sa.String(length=200), nullable=True),
    sa.Column('chair_position', sa.String(length=200), nullable=True),
    sa.Column('chair_nip', sa.String(length=18), nullable=True),
    sa.Column('minute_taker_name', sa.String(length=200), nullable=True),
    sa.Column('minute_taker_nip', sa.String(length=18), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('registration_opens_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('registration_closes_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('follow_up_of_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('rakor', 'fgd', 'other')", name=op.f('ck_meeting_kind')),
    sa.CheckConstraint("status IN ('draft', 'scheduled', 'held', 'minutes_final', 'cancelled')", name=op.f('ck_meeting_status')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_meeting_ends_after_start')),
    sa.CheckConstraint('registration_closes_at IS NULL OR registration_opens_at IS NULL OR registration_closes_at > registration_opens_at', name=op.f('ck_meeting_registration_window')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_meeting_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['follow_up_of_id'], ['meeting.id'], name=op.f('fk_meeting_follow_up_of_id_meeting')),
    sa.ForeignKeyConstraint(['organizer_agency_id'], ['agency.id'], name=op.f('fk_meeting_organizer_agency_id_agency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_follow_up_of_id'), ['follow_up_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_organizer_agency_id'), ['organizer_agency_id'], unique=False)
        batch_op.create_index('ix_meeting_starts_at', ['starts_at'], unique=False)

    op.create_table('agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('ends_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('free_topic', sa.String(length=200), nullable=True),
    sa.Column('presenter', sa.String(length=300), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('discussion', sa.Text(), nullable=True),
    sa.Column('conclusions', sa.Text(), nullable=True),
    sa.CheckConstraint('ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at', name=op.f('ck_agenda_item_ends_after_start')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_agenda_item_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_agenda_item_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agenda_item'))
    )
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agenda_item_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_agenda_item_topic_id'), ['topic_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('expires_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('contact_name', sa.String(length=200), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_invitation_agency_id_agency')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_invitation_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_invitation_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_meeting_agency', ['meeting_id', 'agency_id'], unique=False)

    op.create_table('meeting_transition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_meeting_transition_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_meeting_transition_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_transition'))
    )
    with op.batch_alter_table('meeting_transition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_transition_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('seat_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_seat_quota_seats_positive')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_seat_quota_agency_id_agency')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_seat_quota_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seat_quota')),
    sa.UniqueConstraint('meeting_id', 'agency_id', name=op.f('uq_seat_quota_meeting_id_agency_id'))
    )
    with op.batch_alter_table('seat_quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seat_quota_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seat_quota_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('material',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=True),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_material_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_material_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_material_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_material')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_material_stored_name'))
    )
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_material_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_material_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('nip', sa.String(length=18), nullable=True),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('gender', sa.String(length=1), nullable=True),
    sa.Column('meeting_role', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('registered_via', sa.String(length=20), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('quota_override_reason', sa.Text(), nullable=True),
    sa.Column('cancelled_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('checked_in_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('checkin_code', sa.String(length=43), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.CheckConstraint("gender IS NULL OR gender IN ('L', 'P')", name=op.f('ck_participant_gender')),
    sa.CheckConstraint("meeting_role IN ('peserta', 'narasumber', 'pimpinan', 'panitia', 'notulis')", name=op.f('ck_participant_meeting_role')),
    sa.CheckConstraint("registered_via IN ('committee', 'invitation', 'import', 'demo')", name=op.f('ck_participant_registered_via')),
    sa.CheckConstraint("status IN ('registered', 'cancelled')", name=op.f('ck_participant_status')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_participant_agency_id_agency')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['user_account.id'], name=op.f('fk_participant_checked_in_by_id_user_account')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_participant_invitation_id_invitation')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_participant_meeting_id_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user_account.id'], name=op.f('fk_participant_registered_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant')),
    sa.UniqueConstraint('checkin_code', name=op.f('uq_participant_checkin_code'))
    )
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_agency_id'), ['agency_id'], unique=False)
        batch_op.create_index('ix_participant_meeting_agency', ['meeting_id', 'agency_id'], unique=False)
        batch_op.create_index('uq_participant_meeting_email', ['meeting_id', 'email'], unique=True, postgresql_where=sa.text("status = 'registered' AND email IS NOT NULL"), sqlite_where=sa.text("status = 'registered' AND email IS NOT NULL"))
        batch_op.create_index('uq_participant_meeting_nip', ['meeting_id', 'nip'], unique=True, postgresql_where=sa.text("status = 'registered' AND nip IS NOT NULL"), sqlite_where=sa.text("status = 'registered' AND nip IS NOT NULL"))



def downgrade():
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_index('uq_participant_meeting_nip', postgresql_where=sa.text("status = 'registered' AND nip IS NOT NULL"), sqlite_where=sa.text("status = 'registered' AND nip IS NOT NULL"))
        batch_op.drop_index('uq_participant_meeting_email', postgresql_where=sa.text("status = 'registered' AND email IS NOT NULL"), sqlite_where=sa.text("status = 'registered' AND email IS NOT NULL"))
        batch_op.drop_index('ix_participant_meeting_agency')
        batch_op.drop_index(batch_op.f('ix_participant_agency_id'))

    op.drop_table('participant')
    with op.batch_alter_table('material', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_material_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_material_agenda_item_id'))

    op.drop_table('material')
    with op.batch_alter_table('seat_quota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seat_quota_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_seat_quota_agency_id'))

    op.drop_table('seat_quota')
    with op.batch_alter_table('meeting_transition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_transition_meeting_id'))

    op.drop_table('meeting_transition')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_invitation_meeting_agency')

    op.drop_table('invitation')
    with op.batch_alter_table('agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agenda_item_topic_id'))
        batch_op.drop_index(batch_op.f('ix_agenda_item_meeting_id'))

    op.drop_table('agenda_item')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_meeting_starts_at')
        batch_op.drop_index(batch_op.f('ix_meeting_organizer_agency_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_follow_up_of_id'))

    op.drop_table('meeting')
    op.drop_table('topic')
