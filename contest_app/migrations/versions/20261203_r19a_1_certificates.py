"""certificates: a contest's certificate template and the issued certificates

Revision ID: r19a_1
Revises: r23c_2
Create Date: 2026-12-03 11:00:00.000000

"""
import sqlalchemy as sa
import contest_app.database
from alembic import op

# revision identifiers, used by Alembic.
revision = 'r19a_1'
down_revision = 'r23c_2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate_template',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('organiser_name', sa.String(length=255), nullable=False),
        sa.Column('heading', sa.String(length=120), nullable=False),
        sa.Column('participation_text', sa.Text(), nullable=False),
        sa.Column('prize_text', sa.Text(), nullable=False),
        sa.Column('signer_name', sa.String(length=150), nullable=False),
        sa.Column('signer_title', sa.String(length=200), nullable=False),
        sa.Column('logo', sa.LargeBinary(), nullable=True),
        sa.Column('signature', sa.LargeBinary(), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('updated_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('contest_id'),
    )
    op.create_table(
        'certificate',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('contest_id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=15), nullable=False),
        sa.Column('full_name', sa.String(length=150), nullable=False),
        sa.Column('unit_name', sa.String(length=255), nullable=False),
        sa.Column('result', sa.String(length=200), nullable=False),
        sa.Column('issued_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', contest_app.database.TZDateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('revoked_reason', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['round_id'], ['round.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code'),
        sa.UniqueConstraint('round_id', 'user_id', 'kind'),
    )
    op.create_index('ix_certificate_contest_id', 'certificate', ['contest_id'])
    op.create_index('ix_certificate_attempt_id', 'certificate', ['attempt_id'])
    op.create_index('ix_certificate_user_id', 'certificate', ['user_id'])


def downgrade():
    op.drop_index('ix_certificate_user_id', table_name='certificate')
    op.drop_index('ix_certificate_attempt_id', table_name='certificate')
    op.drop_index('ix_certificate_contest_id', table_name='certificate')
    op.drop_table('certificate')
    op.drop_table('certificate_template')
