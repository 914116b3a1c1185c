"""initiatives: scoring in points with bands, a third-judge gap per call, typed conflicts

Existing calls keep the weighted model (scoring = 'weighted') and get no third-judge gap;
existing conflicts become 'other', declared by the judge.

Revision ID: r22a_1
Revises: r22b_2
Create Date: 2026-12-03 10:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'r22a_1'
down_revision = 'r22b_2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('initiative_call') as batch:
        batch.add_column(sa.Column('scoring', sa.String(length=10), nullable=False,
                                   server_default='weighted'))
        batch.add_column(sa.Column('third_judge_gap', sa.Float(), nullable=True))
        batch.create_check_constraint(op.f('ck_initiative_call_scoring'),
                                      "scoring IN ('points', 'weighted')")
        batch.create_check_constraint(op.f('ck_initiative_call_third_judge_gap'),
                                      'third_judge_gap IS NULL OR third_judge_gap > 0')
    with op.batch_alter_table('initiative_call') as batch:
        batch.alter_column('scoring', server_default=None)
    with op.batch_alter_table('initiative_criterion') as batch:
        batch.add_column(sa.Column('max_points', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('bands', sa.JSON(), nullable=False, server_default='[]'))
        batch.create_check_constraint(op.f('ck_initiative_criterion_max_points'),
                                      'max_points IS NULL OR max_points BETWEEN 1 AND 1000')
    with op.batch_alter_table('initiative_criterion') as batch:
        batch.alter_column('bands', server_default=None)
    with op.batch_alter_table('initiative_conflict') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=20), nullable=False,
                                   server_default='other'))
        batch.add_column(sa.Column('declared_by_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_initiative_conflict_declared_by_id_user_account'),
                                 'user_account', ['declared_by_id'], ['id'])
        batch.create_check_constraint(
            op.f('ck_initiative_conflict_kind'),
            "kind IN ('same_unit', 'collaborator', 'family', 'other')")
    with op.batch_alter_table('initiative_conflict') as batch:
        batch.alter_column('kind', server_default=None)


def downgrade():
    with op.batch_alter_table('initiative_conflict') as batch:
        batch.drop_constraint(op.f('ck_initiative_conflict_kind'), type_='check')
        batch.drop_constraint(op.f('fk_initiative_conflict_declared_by_id_user_account'),
                              type_='foreignkey')
        batch.drop_column('declared_by_id')
        batch.drop_column('kind')
    with op.batch_alter_table('initiative_criterion') as batch:
        batch.drop_constraint(op.f('ck_initiative_criterion_max_points'), type_='check')
        batch.drop_column('bands')
        batch.drop_column('max_points')
    with op.batch_alter_table('initiative_call') as batch:
        batch.drop_constraint(op.f('ck_initiative_call_third_judge_gap'), type_='check')
        batch.drop_constraint(op.f('ck_initiative_call_scoring'), type_='check')
        batch.drop_column('third_judge_gap')
        batch.drop_column('scoring')
