"""rounds: attempt extra seconds (deadline cap), withdrawn ranking publications

Revision ID: h2_rounds_1
Revises: e1_merge
Create Date: 2026-12-02 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 'h2_rounds_1'
down_revision = 'e1_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extra_s', sa.Integer(), server_default=sa.text('0'),
                                      nullable=False))
    # Attempts already running with extra time keep it.
    op.execute(
        "UPDATE attempt SET extra_s = (SELECT extra_time.seconds FROM extra_time"
        " WHERE extra_time.round_id = attempt.round_id"
        " AND extra_time.user_id = attempt.user_id)"
        " WHERE EXISTS (SELECT 1 FROM extra_time WHERE extra_time.round_id = attempt.round_id"
        " AND extra_time.user_id = attempt.user_id)")
    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', contest_app.database.TZDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_ranking_snapshot_withdrawn_by_id_user_account'), 'user_account',
            ['withdrawn_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('ranking_snapshot', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_ranking_snapshot_withdrawn_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('extra_s')
