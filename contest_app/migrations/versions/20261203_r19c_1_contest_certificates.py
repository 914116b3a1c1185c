"""certificates: contest-wide prize certificates (no round or attempt; one per person and
contest for the contest-wide kind)

Revision ID: r19c_1
Revises: r21b_1
Create Date: 2026-12-03 11:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'r19c_1'
down_revision = 'r21b_1'
branch_labels = None
depends_on = None

CONTEST_WIDE = sa.text("kind = 'contest_prize'")


def upgrade():
    with op.batch_alter_table('certificate') as batch:
        batch.alter_column('round_id', existing_type=sa.Integer(), nullable=True)
        batch.alter_column('attempt_id', existing_type=sa.Integer(), nullable=True)
    # The per round+person+kind constraint stays (NULL rounds never collide); a partial unique
    # index keeps the contest-wide kind to one per person and contest.
    op.create_index('uq_certificate_contest_wide', 'certificate', ['contest_id', 'user_id'],
                    unique=True, sqlite_where=CONTEST_WIDE, postgresql_where=CONTEST_WIDE)


def downgrade():
    op.drop_index('uq_certificate_contest_wide', table_name='certificate')
    op.execute("DELETE FROM certificate WHERE round_id IS NULL OR attempt_id IS NULL")
    with op.batch_alter_table('certificate') as batch:
        batch.alter_column('attempt_id', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('round_id', existing_type=sa.Integer(), nullable=False)
