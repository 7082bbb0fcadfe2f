"""tenancy by organizing agency (issue 22): an agency's parent agency (a regency's OPDs under its
Bappeda) and the agencies a committee or leadership user acts for beside its own
(user_managed_agency)

Every meeting already names its organizer (meeting.organizer_agency_id, NOT NULL since 0001), so
nothing is back-filled there. Existing committee and leadership accounts keep no agency unless
they had one: an account without an agency is instance-wide (rakor/auth/tenancy.py), which is
what every account was before this revision; the administrator scopes them on the user page.

Revision ID: 0024_tenancy
Revises: 0023_api
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_tenancy'
down_revision = '0023_api'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parent_agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agency_parent_agency_id'), ['parent_agency_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agency_parent_agency_id_agency'), 'agency',
                                    ['parent_agency_id'], ['id'])
    op.create_table('user_managed_agency',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_user_managed_agency_agency_id_agency'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_managed_agency_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'agency_id', name=op.f('pk_user_managed_agency'))
    )
    with op.batch_alter_table('user_managed_agency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_managed_agency_agency_id'), ['agency_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_managed_agency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_managed_agency_agency_id'))
    op.drop_table('user_managed_agency')
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agency_parent_agency_id_agency'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agency_parent_agency_id'))
        batch_op.drop_column('parent_agency_id')
