"""invitation.claimed_user_id: the one delegate account created through a link

Set under a row lock on the invitation when an account is claimed, and unique, so that
simultaneous claims through one link create exactly one account. Existing links stay NULL:
an account created through them before this revision is still recognised by the older rule
(a delegate account of the agency created since the link was made).

Revision ID: 0004_invitation_claimed_user
Revises: 0003_meeting_topics
"""
from alembic import op
import sqlalchemy as sa

revision = '0004_invitation_claimed_user'
down_revision = '0003_meeting_topics'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_user_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_invitation_claimed_user_id'), ['claimed_user_id'])
        batch_op.create_foreign_key(batch_op.f('fk_invitation_claimed_user_id_user_account'),
                                    'user_account', ['claimed_user_id'], ['id'])


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitation_claimed_user_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_invitation_claimed_user_id'), type_='unique')
        batch_op.drop_column('claimed_user_id')
