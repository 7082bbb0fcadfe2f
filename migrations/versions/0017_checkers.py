"""progress evidence: is_public, the committee's mark that lets other agencies download a file
(issue 19: evidence is for its agency, the committee and leadership by default)

Revision ID: 0017_checkers
Revises: 0013_progress_tally
Create Date: 2026-12-06 15:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_checkers'
down_revision = '0013_progress_tally'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_public', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade():
    with op.batch_alter_table('progress_evidence', schema=None) as batch_op:
        batch_op.drop_column('is_public')
