"""merge initiatives, surveys and participation

Revision ID: e1_merge
Revises: b1_initiatives, c1_surveys, d1_participation
Create Date: 2026-11-25 11:08:11.885228

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 'e1_merge'
down_revision = ('b1_initiatives', 'c1_surveys', 'd1_participation')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
