"""participant: sort_name, undone check-ins, walk-in registrations

- sort_name: the name without titles and degrees (rakor.core.names.name_key), which lists sort
  by and the check-in desk searches; filled here for existing rows.
- checkin_undone_at / checkin_undone_by_id: who undid the last mistaken check-in, and when.
- registered_via 'walk_in': a guest registered and checked in at once at the desk.

Revision ID: 0007_checkin_undo
Revises: 0006_outbound_mail
"""
from alembic import op
import sqlalchemy as sa

from rakor.core.names import name_key
from rakor.core.types import UTCDateTime

revision = '0007_checkin_undo'
down_revision = '0006_outbound_mail'
branch_labels = None
depends_on = None

OLD_SOURCES = "registered_via IN ('committee', 'invitation', 'import', 'demo')"
NEW_SOURCES = "registered_via IN ('committee', 'invitation', 'import', 'demo', 'walk_in')"


def upgrade():
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('checkin_undone_at', UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('checkin_undone_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_participant_checkin_undone_by_id_user_account'),
                                    'user_account', ['checkin_undone_by_id'], ['id'])
        batch_op.create_index('ix_participant_meeting_sort_name', ['meeting_id', 'sort_name'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_participant_registered_via'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_participant_registered_via'), NEW_SOURCES)
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.alter_column('sort_name', server_default=None)

    participant = sa.table('participant', sa.column('id', sa.Integer), sa.column('name', sa.String),
                           sa.column('sort_name', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(participant.c.id, participant.c.name)).all()
    for row_id, name in rows:
        connection.execute(participant.update().where(participant.c.id == row_id)
                           .values(sort_name=name_key(name)))


def downgrade():
    op.execute("UPDATE participant SET registered_via = 'committee' WHERE registered_via = 'walk_in'")
    with op.batch_alter_table('participant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_participant_registered_via'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_participant_registered_via'), OLD_SOURCES)
        batch_op.drop_index('ix_participant_meeting_sort_name')
        batch_op.drop_constraint(batch_op.f('fk_participant_checkin_undone_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('checkin_undone_by_id')
        batch_op.drop_column('checkin_undone_at')
        batch_op.drop_column('sort_name')
