"""initiatives: participation quotas per unit and per block on a call

Revision ID: r22b_1
Revises: r19b_1
Create Date: 2026-12-03 10:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'r22b_1'
down_revision = 'r19b_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('initiative_call', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_per_unit', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('min_per_block', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('initiative_call', schema=None) as batch_op:
        batch_op.drop_column('min_per_block')
        batch_op.drop_column('min_per_unit')
