"""outbox: outbound_mail and its attachments (queued, sent or failed e-mail)

meeting_id, object_id and created_by_id are plain integers on purpose (no foreign keys): the
mail layer sits below every feature, and the record of a message outlives what it was about.

Revision ID: 0006_outbound_mail
Revises: 0005_commitments
Create Date: 2026-11-28 00:46:40.978392

"""
from alembic import op
import sqlalchemy as sa

import rakor.core.types


# revision identifiers, used by Alembic.
revision = '0006_outbound_mail'
down_revision = "0005_commitments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('reply_to', sa.String(length=254), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=True),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('last_attempt_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('sent_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name=op.f('ck_outbound_mail_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_mail'))
    )
    with op.batch_alter_table('outbound_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_mail_meeting_status', ['meeting_id', 'status'], unique=False)
        batch_op.create_index('ix_outbound_mail_status', ['status'], unique=False)

    op.create_table('outbound_mail_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mail_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('mimetype', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['mail_id'], ['outbound_mail.id'], name=op.f('fk_outbound_mail_attachment_mail_id_outbound_mail'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_mail_attachment'))
    )
    with op.batch_alter_table('outbound_mail_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_mail_attachment_mail_id'), ['mail_id'], unique=False)



def downgrade():
    with op.batch_alter_table('outbound_mail_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_mail_attachment_mail_id'))

    op.drop_table('outbound_mail_attachment')
    with op.batch_alter_table('outbound_mail', schema=None) as batch_op:
        batch_op.drop_index('ix_outbound_mail_status')
        batch_op.drop_index('ix_outbound_mail_meeting_status')

    op.drop_table('outbound_mail')
