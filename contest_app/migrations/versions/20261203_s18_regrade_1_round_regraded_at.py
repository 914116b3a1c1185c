"""rounds: when finished attempts were last regraded (a ranking published before needs republishing)

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


def downgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('regraded_at')
