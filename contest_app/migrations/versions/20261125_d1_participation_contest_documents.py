"""participation: contest documents (rules and legal texts)

Revision ID: d1_participation
Revises: a1_rankings
Create Date: 2026-11-25 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 'd1_participation'
down_revision = 'a1_rankings'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contest_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_document_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_contest_document_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest_document')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_contest_document_stored_name'))
    )
    with op.batch_alter_table('contest_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_document_contest_id'), ['contest_id'], unique=False)


def downgrade():
    with op.batch_alter_table('contest_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_document_contest_id'))

    op.drop_table('contest_document')
