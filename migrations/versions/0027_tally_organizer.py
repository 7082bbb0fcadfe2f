"""the dashboard's tallies know the organizing agency of each commitment's meeting (tenancy,
issue 22): progress_standing gets organizer_id, and progress_tally and progress_overdue_tally
take it into their keys, so a reader who sees some organizers' meetings only sums their rows.
The three tables are made anew and rebuilt from the source rows (the SQL of `flask progress
rebuild-tallies`, rakor/progress/tally.py: backfill); downgrading sums the organizers away.

Revision ID: 0027_tally_organizer
Revises: 0025_storage
Create Date: 2026-12-06 22:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027_tally_organizer'
down_revision = '0026_contact_owner'
branch_labels = None
depends_on = None

TALLY = ('period', 'scope', 'region_id', 'topic_id', 'status')
OVERDUE = ('scope', 'region_id', 'topic_id', 'overdue_from')


def _standing(with_organizer):
    op.create_table('progress_standing',
    sa.Column('commitment_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    *([sa.Column('organizer_id', sa.Integer(), nullable=False)] if with_organizer else []),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('percent_achieved', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('overdue_from', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('commitment_id', 'period', name=op.f('pk_progress_standing'))
    )


def _tally(with_organizer):
    organizer = ('organizer_id',) if with_organizer else ()
    return op.create_table('progress_tally',
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('scope', sa.String(length=1), nullable=False),
    sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('topic_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    *([sa.Column('organizer_id', sa.Integer(), autoincrement=False, nullable=False)] if with_organizer else []),
    sa.Column('commitments', sa.Integer(), nullable=False),
    sa.Column('measured', sa.Integer(), nullable=False),
    sa.Column('percent_sum', sa.Numeric(precision=20, scale=2), nullable=False),
    sa.PrimaryKeyConstraint(*TALLY, *organizer, name=op.f('pk_progress_tally'))
    )


def _overdue(with_organizer):
    organizer = ('organizer_id',) if with_organizer else ()
    return op.create_table('progress_overdue_tally',
    sa.Column('scope', sa.String(length=1), nullable=False),
    sa.Column('region_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('topic_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('overdue_from', sa.Integer(), autoincrement=False, nullable=False),
    *([sa.Column('organizer_id', sa.Integer(), autoincrement=False, nullable=False)] if with_organizer else []),
    sa.Column('commitments', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint(*OVERDUE, *organizer, name=op.f('pk_progress_overdue_tally'))
    )


def _drop():
    op.drop_table('progress_overdue_tally')
    op.drop_table('progress_tally')
    op.drop_table('progress_standing')


def upgrade():
    _drop()
    _standing(True)
    _tally(True)
    _overdue(True)
    # The same SQL as `flask progress rebuild-tallies` (rakor/progress/tally.py: backfill).
    from rakor.progress.tally import backfill

    backfill(op.get_bind())


def downgrade():
    """The rows summed over the organizers (tallies are a few thousand rows at national scale)."""
    bind = op.get_bind()
    standing = bind.execute(sa.text(
        'SELECT commitment_id, period, region_id, province_id, topic_id, status, percent_achieved, overdue_from '
        'FROM progress_standing')).mappings().all()
    tally = bind.execute(sa.text(
        f'SELECT {", ".join(TALLY)}, SUM(commitments) AS commitments, SUM(measured) AS measured, '
        f'SUM(percent_sum) AS percent_sum FROM progress_tally GROUP BY {", ".join(TALLY)}')).mappings().all()
    overdue = bind.execute(sa.text(
        f'SELECT {", ".join(OVERDUE)}, SUM(commitments) AS commitments FROM progress_overdue_tally '
        f'GROUP BY {", ".join(OVERDUE)}')).mappings().all()
    _drop()
    _standing(False)
    tables = (_tally(False), _overdue(False))
    standing_table = sa.table('progress_standing', *(sa.column(name) for name in (
        'commitment_id', 'period', 'region_id', 'province_id', 'topic_id', 'status', 'percent_achieved',
        'overdue_from')))
    for table, rows in ((standing_table, standing), (tables[0], tally), (tables[1], overdue)):
        if rows:
            op.bulk_insert(table, [dict(row) for row in rows])
