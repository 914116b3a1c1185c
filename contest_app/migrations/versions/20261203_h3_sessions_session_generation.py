"""accounts: session generation (ends every session of an account when bumped)

Revision ID: h3_sessions_1
Revises: s17_drafts_1
Create Date: 2026-12-03 07:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'h3_sessions_1'
down_revision = 's17_drafts_1'
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts start at generation 1; sessions issued before this migration carry a
    # bare "<id>" and are treated as anonymous (their holders log in again).
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default=sa.text('1')))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
