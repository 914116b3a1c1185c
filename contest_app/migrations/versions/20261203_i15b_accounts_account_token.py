"""accounts: one-time invitation and password-reset links (account_token)

Revision ID: i15b_accounts_1
Revises: i15a_citizens_1
Create Date: 2026-12-03 07:15:00.000000

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 'i15b_accounts_1'
down_revision = 'i15a_citizens_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'account_token',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.Column('used_at', contest_app.database.TZDateTime(timezone=True), nullable=True),
        sa.Column('voided_at', contest_app.database.TZDateTime(timezone=True), nullable=True),
        sa.Column('issued_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_account_token_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['issued_by'], ['user_account.id'],
                                name=op.f('fk_account_token_issued_by_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_token')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_account_token_token_hash')),
    )
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_token_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_token_user_id'))
    op.drop_table('account_token')
