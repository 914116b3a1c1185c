"""accounts: citizens and businesses (user kind, ward, organisation), wards, board audience

Revision ID: i15a_citizens_1
Revises: i15c_bank_1
Create Date: 2026-12-03 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'i15a_citizens_1'
down_revision = 'i15c_bank_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ward',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ward')),
        sa.UniqueConstraint('name', name=op.f('uq_ward_name')),
    )
    # Every existing account is an official (a unit was mandatory until now).
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), nullable=False,
                                      server_default='official'))
        batch_op.add_column(sa.Column('ward_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organisation', sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_ward_id'), ['ward_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_account_ward_id_ward'), 'ward',
                                    ['ward_id'], ['id'])
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allowed_kind', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('board', schema=None) as batch_op:
        batch_op.drop_column('allowed_kind')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_ward_id_ward'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_account_ward_id'))
        batch_op.drop_column('organisation')
        batch_op.drop_column('ward_id')
        batch_op.drop_column('kind')
    op.drop_table('ward')
