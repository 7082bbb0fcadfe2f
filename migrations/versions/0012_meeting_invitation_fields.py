"""meeting: what an invitation tells delegates (contact, dress code, letter number, online
link) and an open end ("s.d. selesai"); agenda positions follow the time order

The agenda is shown in time order (items with a slot by their start, then the others by
position). Positions are renumbered here in that order once, so the numbers other features
print ("item 3") match what the agenda shows; the services keep them so from now on.

Revision ID: 0012_meeting_invitation_fields
Revises: 0008_agency_letterhead_abbrev
"""
from alembic import op
import sqlalchemy as sa

revision = "0012_meeting_invitation_fields"
down_revision = "0008_agency_letterhead_abbrev"
branch_labels = None
depends_on = None

agenda_item = sa.table(
    "agenda_item",
    sa.column("id", sa.Integer), sa.column("meeting_id", sa.Integer),
    sa.column("position", sa.Integer), sa.column("starts_at", sa.DateTime),
)


def upgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("dress_code", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("letter_number", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("online_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("open_end", sa.Boolean(), server_default=sa.false(), nullable=False))

    conn = op.get_bind()
    rows = conn.execute(sa.select(agenda_item.c.id, agenda_item.c.meeting_id).order_by(
        agenda_item.c.meeting_id, agenda_item.c.starts_at.asc().nulls_last(),
        agenda_item.c.position, agenda_item.c.id)).all()
    position, meeting_id = 0, None
    for item_id, item_meeting in rows:
        position = position + 1 if item_meeting == meeting_id else 1
        meeting_id = item_meeting
        conn.execute(agenda_item.update().where(agenda_item.c.id == item_id).values(position=position))


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_column("open_end")
        batch_op.drop_column("online_url")
        batch_op.drop_column("letter_number")
        batch_op.drop_column("dress_code")
        batch_op.drop_column("contact_phone")
        batch_op.drop_column("contact_name")
