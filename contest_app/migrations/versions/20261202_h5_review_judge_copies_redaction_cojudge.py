"""initiatives: judges' copies of attachments without author metadata, organiser redaction of
the judge-visible text, per-call visibility of co-judges' reviews

Revision ID: h5_review_1
Revises: h2_rounds_1
Create Date: 2026-12-02 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 'h5_review_1'
down_revision = "h2_rounds_1"
branch_labels = None
depends_on = None


def upgrade():
    # Existing calls get the strict default: co-judges' reviews after the review deadline.
    with op.batch_alter_table('initiative_call') as batch:
        batch.add_column(sa.Column('cojudge_visibility', sa.String(length=20), nullable=False,
                                   server_default='after_deadline'))
        batch.create_check_constraint(
            op.f('ck_initiative_call_cojudge_visibility'),
            "cojudge_visibility IN ('after_deadline', 'after_own_review')")
    with op.batch_alter_table('initiative_call') as batch:
        batch.alter_column('cojudge_visibility', server_default=None)
    with op.batch_alter_table('initiative') as batch:
        batch.add_column(sa.Column('judge_text', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('judge_text_by_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('judge_text_at',
                                   contest_app.database.TZDateTime(timezone=True), nullable=True))
        batch.create_foreign_key(op.f('fk_initiative_judge_text_by_id_user_account'),
                                 'user_account', ['judge_text_by_id'], ['id'])
    # Files stored before this revision have no judge's copy: it is made on a judge's first
    # download, from the original (judges never receive the original).
    with op.batch_alter_table('initiative_file') as batch:
        batch.add_column(sa.Column('judge_copy_name', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('judge_copy_size', sa.Integer(), nullable=True))
        batch.create_unique_constraint(op.f('uq_initiative_file_judge_copy_name'),
                                       ['judge_copy_name'])


def downgrade():
    with op.batch_alter_table('initiative_file') as batch:
        batch.drop_constraint(op.f('uq_initiative_file_judge_copy_name'), type_='unique')
        batch.drop_column('judge_copy_size')
        batch.drop_column('judge_copy_name')
    with op.batch_alter_table('initiative') as batch:
        batch.drop_constraint(op.f('fk_initiative_judge_text_by_id_user_account'),
                              type_='foreignkey')
        batch.drop_column('judge_text_at')
        batch.drop_column('judge_text_by_id')
        batch.drop_column('judge_text')
    with op.batch_alter_table('initiative_call') as batch:
        batch.drop_constraint(op.f('ck_initiative_call_cojudge_visibility'), type_='check')
        batch.drop_column('cojudge_visibility')
