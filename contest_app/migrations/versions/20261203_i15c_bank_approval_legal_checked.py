"""bank: question_version.legal_checked; approved questions' current versions get approved_at

Revision ID: i15c_bank_1
Revises: s18_regrade_1
Create Date: 2026-12-03 07:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'i15c_bank_1'
down_revision = 's18_regrade_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_checked', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    # Approvals made in the web already required the legal-check tick.
    op.execute("UPDATE question_version SET legal_checked = true "
               "WHERE approved_by_id IS NOT NULL AND approved_at IS NOT NULL")
    # An approved question whose current version has no approval record (it came approved from
    # a file): approved when it was created, by nobody known, legal check not recorded.
    op.execute(
        "UPDATE question_version SET approved_at = created_at "
        "WHERE approved_at IS NULL AND EXISTS (SELECT 1 FROM question "
        "WHERE question.id = question_version.question_id "
        "AND question.current_version = question_version.number "
        "AND question.status = 'approved')"
    )


def downgrade():
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.drop_column('legal_checked')
