"""seed the agenda topics (IPM, Kemiskinan, Stunting, SPM, Kawasan Perdesaan)

A data migration, so that a fresh production database has the topics the agenda builder
offers right after `flask db upgrade`. The rows are written here literally (not imported from
the application) so that this revision keeps doing the same thing when the code changes.
Idempotent: a topic whose code already exists is left as it is.

Revision ID: 0003_meeting_topics
Revises: 0002_meetings_participants
"""
from alembic import op
import sqlalchemy as sa

revision = '0003_meeting_topics'
down_revision = '0002_meetings_participants'
branch_labels = None
depends_on = None

TOPICS = [
    # code, name, unit, direction, is_indicator
    ("IPM", "Indeks Pembangunan Manusia (IPM)", "poin", "higher", True),
    ("KEMISKINAN", "Kemiskinan (persentase penduduk miskin)", "%", "lower", True),
    ("STUNTING", "Stunting (prevalensi balita stunting)", "%", "lower", True),
    ("SPM", "Standar Pelayanan Minimal (SPM)", "%", "higher", True),
    ("KAWASAN_PERDESAAN", "Kawasan Perdesaan", None, None, False),
]

topic = sa.table(
    "topic",
    sa.column("code", sa.String), sa.column("name", sa.String), sa.column("unit", sa.String),
    sa.column("direction", sa.String), sa.column("is_indicator", sa.Boolean),
)


def upgrade():
    conn = op.get_bind()
    have = set(conn.execute(sa.select(topic.c.code)).scalars())
    rows = [dict(code=c, name=n, unit=u, direction=d, is_indicator=i)
            for c, n, u, d, i in TOPICS if c not in have]
    if rows:
        op.bulk_insert(topic, rows)


def downgrade():
    # Only topics no agenda item uses; a topic in use stays (its rows are real data by now).
    conn = op.get_bind()
    agenda_item = sa.table("agenda_item", sa.column("topic_id", sa.Integer))
    topic_id = sa.table("topic", sa.column("id", sa.Integer), sa.column("code", sa.String))
    used = sa.select(agenda_item.c.topic_id).where(agenda_item.c.topic_id.is_not(None))
    conn.execute(topic_id.delete().where(topic_id.c.code.in_([t[0] for t in TOPICS]))
                 .where(topic_id.c.id.not_in(used)))
