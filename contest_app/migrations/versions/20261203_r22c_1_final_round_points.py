"""initiatives: the final round scores in points too (a scoring model per final, a maximum
and bands per final criterion)

Existing finals keep the weighted model (scoring = 'weighted').

Revision ID: r22c_1
Revises: r19c_1
Create Date: 2026-12-03 11:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'r22c_1'
down_revision = 'r19c_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('initiative_final') as batch:
        batch.add_column(sa.Column('scoring', sa.String(length=10), nullable=False,
                                   server_default='weighted'))
        batch.create_check_constraint(op.f('ck_initiative_final_scoring'),
                                      "scoring IN ('points', 'weighted')")
    with op.batch_alter_table('initiative_final') as batch:
        batch.alter_column('scoring', server_default=None)
    with op.batch_alter_table('initiative_final_criterion') as batch:
        batch.add_column(sa.Column('max_points', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('bands', sa.JSON(), nullable=False, server_default='[]'))
        batch.create_check_constraint(op.f('ck_initiative_final_criterion_max_points'),
                                      'max_points IS NULL OR max_points BETWEEN 1 AND 1000')
    with op.batch_alter_table('initiative_final_criterion') as batch:
        batch.alter_column('bands', server_default=None)


def downgrade():
    with op.batch_alter_table('initiative_final_criterion') as batch:
        batch.drop_constraint(op.f('ck_initiative_final_criterion_max_points'), type_='check')
        batch.drop_column('bands')
        batch.drop_column('max_points')
    with op.batch_alter_table('initiative_final') as batch:
        batch.drop_constraint(op.f('ck_initiative_final_scoring'), type_='check')
        batch.drop_column('scoring')
