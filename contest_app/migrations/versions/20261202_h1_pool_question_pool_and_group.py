"""bank: question pool (official / practice) and draw group

Revision ID: h1_pool_1
Revises: h5_review_1
Create Date: 2026-12-02 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'h1_pool_1'
down_revision = "h5_review_1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pool', sa.String(length=10), nullable=False,
                                      server_default='official'))
        batch_op.add_column(sa.Column('draw_group', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.create_index(batch_op.f('ix_question_pool'), ['pool'], unique=False)


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_pool'))
        batch_op.drop_column('draw_group')
        batch_op.drop_column('pool')
