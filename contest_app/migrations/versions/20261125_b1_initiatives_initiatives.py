"""initiatives: calls, rubric criteria, submissions, files, assignments, conflicts, reviews

Revision ID: b1_initiatives
Revises: f8e93829c684
Create Date: 2026-11-25 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import contest_app.database


# revision identifiers, used by Alembic.
revision = 'b1_initiatives'
down_revision = 'f8e93829c684'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('initiative_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('submission_deadline', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.Column('review_deadline', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('judges_per_submission', sa.Integer(), nullable=False),
    sa.Column('results_published_at', contest_app.database.TZDateTime(timezone=True), nullable=True),
    sa.Column('created_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('judges_per_submission BETWEEN 1 AND 10', name=op.f('ck_initiative_call_judges_per_submission')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_call'))
    )
    op.create_table('initiative_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('scale', sa.String(length=5), nullable=False),
    sa.CheckConstraint("scale IN ('0-10', '1-5')", name=op.f('ck_initiative_criterion_scale')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_initiative_criterion_weight_positive')),
    sa.ForeignKeyConstraint(['call_id'], ['initiative_call.id'], name=op.f('fk_initiative_criterion_call_id_initiative_call'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_criterion'))
    )
    with op.batch_alter_table('initiative_criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_criterion_call_id'), ['call_id'], unique=False)
    op.create_table('initiative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('field', sa.String(length=200), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('solution', sa.Text(), nullable=False),
    sa.Column('benefits', sa.Text(), nullable=False),
    sa.Column('applied_at', sa.Text(), nullable=False),
    sa.Column('co_authors', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('submitted_at', contest_app.database.TZDateTime(timezone=True), nullable=True),
    sa.Column('decision', sa.String(length=12), nullable=True),
    sa.Column('award', sa.String(length=60), nullable=True),
    sa.Column('decision_note', sa.String(length=2000), nullable=False),
    sa.Column('decided_at', contest_app.database.TZDateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("decision IS NULL OR decision IN ('accepted', 'rejected', 'awarded')", name=op.f('ck_initiative_decision')),
    sa.CheckConstraint("state IN ('draft', 'submitted', 'withdrawn')", name=op.f('ck_initiative_state')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_initiative_author_id_user_account')),
    sa.ForeignKeyConstraint(['call_id'], ['initiative_call.id'], name=op.f('fk_initiative_call_id_initiative_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_initiative_decided_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative'))
    )
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_call_id'), ['call_id'], unique=False)
    op.create_table('initiative_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('assigned_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['user_account.id'], name=op.f('fk_initiative_assignment_assigned_by_id_user_account')),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_initiative_assignment_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_initiative_assignment_judge_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_assignment')),
    sa.UniqueConstraint('initiative_id', 'judge_id', name=op.f('uq_initiative_assignment_initiative_id_judge_id'))
    )
    with op.batch_alter_table('initiative_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_assignment_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_assignment_judge_id'), ['judge_id'], unique=False)
    op.create_table('initiative_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=1000), nullable=False),
    sa.Column('declared_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_initiative_conflict_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_initiative_conflict_judge_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_conflict')),
    sa.UniqueConstraint('initiative_id', 'judge_id', name=op.f('uq_initiative_conflict_initiative_id_judge_id'))
    )
    with op.batch_alter_table('initiative_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_conflict_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_conflict_judge_id'), ['judge_id'], unique=False)
    op.create_table('initiative_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size > 0', name=op.f('ck_initiative_file_size')),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_initiative_file_initiative_id_initiative'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_file')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_initiative_file_stored_name'))
    )
    with op.batch_alter_table('initiative_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_file_initiative_id'), ['initiative_id'], unique=False)
    op.create_table('initiative_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('initiative_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('submitted_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['initiative_id'], ['initiative.id'], name=op.f('fk_initiative_review_initiative_id_initiative'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_initiative_review_judge_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative_review')),
    sa.UniqueConstraint('initiative_id', 'judge_id', name=op.f('uq_initiative_review_initiative_id_judge_id'))
    )
    with op.batch_alter_table('initiative_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_review_initiative_id'), ['initiative_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_initiative_review_judge_id'), ['judge_id'], unique=False)


def downgrade():
    with op.batch_alter_table('initiative_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_review_judge_id'))
        batch_op.drop_index(batch_op.f('ix_initiative_review_initiative_id'))
    op.drop_table('initiative_review')
    with op.batch_alter_table('initiative_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_file_initiative_id'))
    op.drop_table('initiative_file')
    with op.batch_alter_table('initiative_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_conflict_judge_id'))
        batch_op.drop_index(batch_op.f('ix_initiative_conflict_initiative_id'))
    op.drop_table('initiative_conflict')
    with op.batch_alter_table('initiative_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_assignment_judge_id'))
        batch_op.drop_index(batch_op.f('ix_initiative_assignment_initiative_id'))
    op.drop_table('initiative_assignment')
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_call_id'))
        batch_op.drop_index(batch_op.f('ix_initiative_author_id'))
    op.drop_table('initiative')
    with op.batch_alter_table('initiative_criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_criterion_call_id'))
    op.drop_table('initiative_criterion')
    op.drop_table('initiative_call')
