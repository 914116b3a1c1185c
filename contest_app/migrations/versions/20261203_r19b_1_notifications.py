"""notifications: sent-log (one row per user, kind and object), per-kind opt-outs, and the
contest's text for prize winners

Revision ID: r19b_1
Revises: r20a_1
Create Date: 2026-12-03 10:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 'r19b_1'
down_revision = 'r20a_1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('winner_instructions', sa.Text(), nullable=False,
                                      server_default=''))
    op.create_table(
        'notification_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('object_key', sa.String(length=60), nullable=False),
        sa.Column('sent_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE',
                                name=op.f('fk_notification_sent_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_sent')),
        sa.UniqueConstraint('user_id', 'kind', 'object_key',
                            name=op.f('uq_notification_sent_user_id_kind_object_key')),
    )
    op.create_table(
        'notification_opt_out',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('created_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE',
                                name=op.f('fk_notification_opt_out_user_id_user_account')),
        sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_opt_out')),
    )


def downgrade():
    op.drop_table('notification_opt_out')
    op.drop_table('notification_sent')
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_column('winner_instructions')
