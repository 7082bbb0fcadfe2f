"""issue 19: progress_evidence.is_public (the committee's mark that lets other agencies
download a file); user_account.calendar_token (a private calendar feed); meeting.schedule_changes
(with status changes, the calendar SEQUENCE)

Revision ID: 0017_checkers
Revises: 0016_signatory_rank
Create Date: 2026-12-06 15:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_checkers'
down_revision = '0016_signatory_rank'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_calendar_token'), ['calendar_token'])
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('schedule_changes', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('progress_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_public', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_column('schedule_changes')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_calendar_token'), type_='unique')
        batch_op.drop_column('calendar_token')
    with op.batch_alter_table('progress_evidence', schema=None) as batch_op:
        batch_op.drop_column('is_public')
