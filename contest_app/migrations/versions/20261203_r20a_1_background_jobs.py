"""jobs: background_job (the organiser-visible record of each queued job)

Revision ID: r20a_1
Revises: r19_qr_1
Create Date: 2026-12-03 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

from contest_app.database import TZDateTime

# revision identifiers, used by Alembic.
revision = 'r20a_1'
down_revision = 'r19_qr_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'background_job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('params', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('message', sa.String(length=300), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('dedupe_key', sa.String(length=120), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', TZDateTime(timezone=True), nullable=False),
        sa.Column('started_at', TZDateTime(timezone=True), nullable=True),
        sa.Column('finished_at', TZDateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['user_account.id'],
                                name='fk_background_job_created_by_user_account'),
        sa.PrimaryKeyConstraint('id', name='pk_background_job'),
    )
    with op.batch_alter_table('background_job', schema=None) as batch_op:
        batch_op.create_index('ix_background_job_kind', ['kind'], unique=False)
        batch_op.create_index('ix_background_job_status', ['status'], unique=False)
        batch_op.create_index('ix_background_job_dedupe_key', ['dedupe_key'], unique=False)


def downgrade():
    op.drop_table('background_job')
