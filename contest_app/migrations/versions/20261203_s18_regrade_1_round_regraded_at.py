"""rounds: when finished attempts were last regraded (a ranking published before needs
republishing); dismissed suspicious-entry findings

Revision ID: s18_regrade_1
Revises: h9_limits_1
Create Date: 2026-12-03 07:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 's18_regrade_1'
down_revision = 'h9_limits_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regraded_at', contest_app.database.TZDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('device_hash', sa.String(length=64), nullable=True))
    op.create_table(
        'fraud_dismissal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('finding_key', sa.String(length=200), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'],
                                name=op.f('fk_fraud_dismissal_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], ondelete='CASCADE',
                                name=op.f('fk_fraud_dismissal_round_id_round')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fraud_dismissal')),
        sa.UniqueConstraint('round_id', 'finding_key',
                            name=op.f('uq_fraud_dismissal_round_id_finding_key')),
    )


def downgrade():
    op.drop_table('fraud_dismissal')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_column('device_hash')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('regraded_at')
