"""personal access tokens of the HTTP API (api_token: only the SHA-256 of a token is stored);
webhook endpoints and their deliveries (webhook_endpoint, webhook_delivery)

Revision ID: 0023_api
Revises: 0018_offline_checkin
Create Date: 2026-12-06 16:30:00

"""
from alembic import op
import sqlalchemy as sa
import rakor.core.types


# revision identifiers, used by Alembic.
revision = '0023_api'
down_revision = '0018_offline_checkin'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("scope IN ('read', 'write')", name=op.f('ck_api_token_scope')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_api_token_revoked_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)
    op.create_table('webhook_endpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('events', sa.String(length=200), nullable=False),
    sa.Column('allow_internal', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_webhook_endpoint_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoint'))
    )
    op.create_table('webhook_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('endpoint_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=40), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_status_code', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('next_attempt_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('delivered_at', rakor.core.types.UTCDateTime(), nullable=True),
    sa.Column('created_at', rakor.core.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name=op.f('ck_webhook_delivery_status')),
    sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoint.id'], name=op.f('fk_webhook_delivery_endpoint_id_webhook_endpoint'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_delivery'))
    )
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_delivery_endpoint_id'), ['endpoint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_delivery_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('webhook_delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_status'))
        batch_op.drop_index(batch_op.f('ix_webhook_delivery_endpoint_id'))
    op.drop_table('webhook_delivery')
    op.drop_table('webhook_endpoint')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))
    op.drop_table('api_token')
