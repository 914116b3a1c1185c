"""accounts: per-address login failure counter (login_throttle)

Revision ID: h9_limits_1
Revises: h3_sessions_1
Create Date: 2026-12-03 07:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 'h9_limits_1'
down_revision = 'h3_sessions_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_throttle',
        sa.Column('email_hash', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', contest_app.database.TZDateTime(timezone=True),
                  nullable=False),
        sa.Column('locked_until', contest_app.database.TZDateTime(timezone=True),
                  nullable=True),
        sa.PrimaryKeyConstraint('email_hash', name=op.f('pk_login_throttle')),
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'),
                              ['last_failure_at'], unique=False)


def downgrade():
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))
    op.drop_table('login_throttle')
