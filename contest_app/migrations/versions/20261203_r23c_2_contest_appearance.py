"""quiz: a contest's colours and banner image

Revision ID: r23c_2
Revises: r23c_1
Create Date: 2026-12-03 10:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'r23c_2'
down_revision = 'r23c_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme_primary', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('theme_accent', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('banner_name', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_column('banner_name')
        batch_op.drop_column('theme_accent')
        batch_op.drop_column('theme_primary')
