"""signature blocks: pangkat/golongan of participants, the chair, the minute-taker and the
agreement's signatories; the minute-taker's jabatan; the place of signing of a meeting's
documents; the village development index (IDM) as an indicator

Every column is nullable: an existing row keeps printing what it printed (the place line falls
back to the organizer's city). The IDM row is written literally (not imported from the
application) and only when its code is free, like 0003.

Revision ID: 0016_signatory_rank
Revises: 0015_signed_documents
"""
from alembic import op
import sqlalchemy as sa

revision = "0016_signatory_rank"
down_revision = '0015_signed_documents'
branch_labels = None
depends_on = None

IDM = dict(code="IDM", name="Indeks Desa Membangun (IDM)", name_en="Village Development Index (IDM)",
           unit=None, direction="higher", is_indicator=True, decimals=4,
           default_source="Kemendes PDTT (Status IDM)")

topic = sa.table(
    "topic",
    sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String),
    sa.column("name_en", sa.String), sa.column("unit", sa.String), sa.column("direction", sa.String),
    sa.column("is_indicator", sa.Boolean), sa.column("decimals", sa.Integer),
    sa.column("default_source", sa.String),
)


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank", sa.String(length=100), nullable=True))
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chair_rank", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("minute_taker_position", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("minute_taker_rank", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("signing_place", sa.String(length=100), nullable=True))
    with op.batch_alter_table("agreement_signatory", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rank", sa.String(length=100), nullable=True))

    conn = op.get_bind()
    if conn.execute(sa.select(topic.c.id).where(topic.c.code == IDM["code"])).first() is None:
        op.bulk_insert(topic, [IDM])


def downgrade():
    # The IDM topic goes only while nothing refers to it (its rows are real data by then).
    conn = op.get_bind()
    used = sa.union_all(
        sa.select(sa.column("topic_id")).select_from(sa.table("agenda_item", sa.column("topic_id"))),
        sa.select(sa.column("topic_id")).select_from(sa.table("commitment", sa.column("topic_id"))),
        sa.select(sa.column("indicator_id")).select_from(sa.table("commitment", sa.column("indicator_id"))),
        sa.select(sa.column("topic_id")).select_from(sa.table("indicator_baseline", sa.column("topic_id"))),
    ).subquery()
    in_use = sa.select(used.c[0]).where(used.c[0].is_not(None))
    conn.execute(topic.delete().where(topic.c.code == IDM["code"]).where(topic.c.id.not_in(in_use)))

    with op.batch_alter_table("agreement_signatory", schema=None) as batch_op:
        batch_op.drop_column("rank")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("signing_place")
        batch_op.drop_column("minute_taker_rank")
        batch_op.drop_column("minute_taker_position")
        batch_op.drop_column("chair_rank")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("rank")
