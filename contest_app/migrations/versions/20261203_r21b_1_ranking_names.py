"""rankings: the distinct names of each published snapshot (ranking_name) for fast name search,
a pg_trgm index on them on PostgreSQL; drop the unused index on ranking_row.search_given

Revision ID: r21b_1
Revises: r19a_1
Create Date: 2026-12-03 10:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'r21b_1'
down_revision = 'r19a_1'
branch_labels = None
depends_on = None

NAME = sa.String(length=150).with_variant(sa.String(length=150, collation='C'), 'postgresql')


def upgrade():
    op.create_table(
        'ranking_name',
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('search_name', NAME, nullable=False),
        sa.Column('entries', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['snapshot_id'], ['ranking_snapshot.id'],
                                name=op.f('fk_ranking_name_snapshot_id_ranking_snapshot'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('snapshot_id', 'search_name', name=op.f('pk_ranking_name')),
    )
    # Names of the snapshots published before this revision.
    op.execute("INSERT INTO ranking_name (snapshot_id, search_name, entries) "
               "SELECT snapshot_id, search_name, count(*) FROM ranking_row "
               "GROUP BY snapshot_id, search_name")
    if op.get_bind().dialect.name == 'postgresql':
        # Trigram index for "any run of words" (LIKE '% run%' on ' ' || name).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_ranking_name_trgm ON ranking_name "
                   "USING gin ((' ' || search_name) gin_trgm_ops)")
    with op.batch_alter_table('ranking_row', schema=None) as batch_op:
        batch_op.drop_index('ix_ranking_row_given')


def downgrade():
    with op.batch_alter_table('ranking_row', schema=None) as batch_op:
        batch_op.create_index('ix_ranking_row_given', ['snapshot_id', 'search_given'],
                              unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_ranking_name_trgm")
    op.drop_table('ranking_name')
