"""progress tallies kept on write: per commitment what it adds (progress_standing), and the
dashboard's counts by period, region (the agency's, and its province's), topic and status
(progress_tally) and by the quarter from which commitments are overdue
(progress_overdue_tally); filled from the existing rows by 0027

Revision ID: 0013_progress_tally
Revises: 0011_progress
Create Date: 2026-11-28 04:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_progress_tally'
down_revision = '0011_progress'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('progress_standing',
    sa.Column('commitment_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('percent_achieved', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('overdue_from', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('commitment_id', 'period', name=op.f('pk_progress_standing'))
    )
    op.create_table('progress_tally',
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('scope', sa.String(length=1), nullable=False),
    sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('topic_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('commitments', sa.Integer(), nullable=False),
    sa.Column('measured', sa.Integer(), nullable=False),
    sa.Column('percent_sum', sa.Numeric(precision=20, scale=2), nullable=False),
    sa.PrimaryKeyConstraint('period', 'scope', 'region_id', 'topic_id', 'status', name=op.f('pk_progress_tally'))
    )
    op.create_table('progress_overdue_tally',
    sa.Column('scope', sa.String(length=1), nullable=False),
    sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('topic_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('overdue_from', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('commitments', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'region_id', 'topic_id', 'overdue_from', name=op.f('pk_progress_overdue_tally'))
    )
    # Filled by 0027_tally_organizer, which makes these tables anew with the organizer in
    # their keys and rebuilds them: the rebuild's SQL (rakor/progress/tally.py: backfill) names
    # that column, which does not exist yet at this revision.


def downgrade():
    op.drop_table('progress_overdue_tally')
    op.drop_table('progress_tally')
    op.drop_table('progress_standing')
