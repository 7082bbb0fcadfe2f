"""minutes: the parent row per meeting, its revisions (versions, finalisation, verification
code) and the stored PDF of each final revision

minutes.current_revision_id and minutes_revision.minutes_id point at each other: the pointer's
foreign key is added once both tables exist (PostgreSQL refuses a reference to a missing table),
and dropped first on the way down.

Revision ID: 0009_minutes
Revises: 0012_meeting_invitation_fields
Create Date: 2026-11-28 01:21:13.799800

"""
from alembic import op
import sqlalchemy as sa

import rakor.core.types


# revision identifiers, used by Alembic.
revision = '0009_minutes'
down_revision = '0012_meeting_invitation_fields'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('current_revision_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_minutes_meeting_id_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes')),
    sa.UniqueConstraint('meeting_id', name=op.f('uq_minutes_meeting_id'))
    )
    op.create_table('minutes_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('finalised_by_id', sa.Integer(), nullable=True),
    sa.Column('finalised_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('verification_code', sa.String(length=24), nullable=True),
    sa.Column('verification_url', sa.String(length=300), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'final')", name=op.f('ck_minutes_revision_status')),
    sa.ForeignKeyConstraint(['finalised_by_id'], ['user_account.id'], name=op.f('fk_minutes_revision_finalised_by_id_user_account')),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_revision_minutes_id_minutes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_minutes_revision_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_revision')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_minutes_revision_verification_code'))
    )
    with op.batch_alter_table('minutes_revision', schema=None) as batch_op:
        batch_op.create_index('ix_minutes_revision_minutes_version', ['minutes_id', 'version'], unique=False)
        batch_op.create_index('uq_minutes_revision_final_version', ['minutes_id', 'version'], unique=True, postgresql_where=sa.text("status = 'final'"), sqlite_where=sa.text("status = 'final'"))

    op.create_table('minutes_pdf',
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('rendered_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['revision_id'], ['minutes_revision.id'], name=op.f('fk_minutes_pdf_revision_id_minutes_revision'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('revision_id', name=op.f('pk_minutes_pdf'))
    )
    with op.batch_alter_table('minutes_pdf', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_pdf_sha256'), ['sha256'], unique=False)
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_minutes_current_revision_id_minutes_revision'),
                                    'minutes_revision', ['current_revision_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('minutes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_minutes_current_revision_id_minutes_revision'), type_='foreignkey')
    with op.batch_alter_table('minutes_pdf', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_pdf_sha256'))

    op.drop_table('minutes_pdf')
    with op.batch_alter_table('minutes_revision', schema=None) as batch_op:
        batch_op.drop_index('uq_minutes_revision_final_version', postgresql_where=sa.text("status = 'final'"), sqlite_where=sa.text("status = 'final'"))
        batch_op.drop_index('ix_minutes_revision_minutes_version')

    op.drop_table('minutes_revision')
    op.drop_table('minutes')
