"""quiz: contest settings (collect_birth_date, certificates) and the prediction's wording

Revision ID: i15d_settings_1
Revises: i15b_accounts_1
Create Date: 2026-12-03 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i15d_settings_1'
down_revision = 'i15b_accounts_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('collect_birth_date', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('certificates', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prediction_text', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('prediction_text')
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_column('certificates')
        batch_op.drop_column('collect_birth_date')
