"""agency_contact.owner_agency_id: whose address book a contact is in (issue 22, tenancy); existing
contacts keep None, the shared book of before tenancy

Revision ID: 0026_contact_owner
Revises: 0025_storage
Create Date: 2026-12-06 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_contact_owner'
down_revision = '0025_storage'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agency_contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_agency_contact_owner_agency_id'), ['owner_agency_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_agency_contact_owner_agency_id_agency'), 'agency',
                                    ['owner_agency_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('agency_contact', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agency_contact_owner_agency_id_agency'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_agency_contact_owner_agency_id'))
        batch_op.drop_column('owner_agency_id')
