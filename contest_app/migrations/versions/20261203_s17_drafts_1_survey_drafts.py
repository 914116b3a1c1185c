"""surveys: a new survey is a draft until the organiser opens it; rankings: a unit nobody
took part from is listed unranked (unit_ranking_row.rank may be NULL), prize money per tier

Revision ID: s17_drafts_1
Revises: h1_pool_1
Create Date: 2026-12-03 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's17_drafts_1'
down_revision = 'h1_pool_1'
branch_labels = None
depends_on = None


def upgrade():
    # Surveys that exist already were public: they stay so. New ones start as drafts.
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.alter_column('published', server_default=sa.false())
    with op.batch_alter_table('unit_ranking_row', schema=None) as batch_op:
        batch_op.alter_column('rank', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('prize_tier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('amount', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('prize_tier', schema=None) as batch_op:
        batch_op.drop_column('amount')
    op.execute("DELETE FROM unit_ranking_row WHERE rank IS NULL")
    with op.batch_alter_table('unit_ranking_row', schema=None) as batch_op:
        batch_op.alter_column('rank', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('published')
