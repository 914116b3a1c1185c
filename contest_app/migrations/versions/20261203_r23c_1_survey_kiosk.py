"""surveys: kiosk sessions (a shared tablet answering one survey), responses tagged with theirs

Revision ID: r23c_1
Revises: r22a_1
Create Date: 2026-12-03 10:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

import contest_app.database

# revision identifiers, used by Alembic.
revision = 'r23c_1'
down_revision = 'r22a_1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'survey_kiosk',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survey_id', sa.Integer(), nullable=False),
        sa.Column('started_by_id', sa.Integer(), nullable=True),
        sa.Column('started_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', contest_app.database.TZDateTime(timezone=True), nullable=False),
        sa.Column('ended_at', contest_app.database.TZDateTime(timezone=True), nullable=True),
        sa.Column('ended_by_id', sa.Integer(), nullable=True),
        sa.Column('last_answer_at', contest_app.database.TZDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['survey_id'], ['survey.id'],
                                name=op.f('fk_survey_kiosk_survey_id_survey'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'],
                                name=op.f('fk_survey_kiosk_started_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['ended_by_id'], ['user_account.id'],
                                name=op.f('fk_survey_kiosk_ended_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_kiosk')),
    )
    with op.batch_alter_table('survey_kiosk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_kiosk_survey_id'), ['survey_id'],
                              unique=False)
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kiosk_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_survey_response_kiosk_id'), ['kiosk_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_survey_response_kiosk_id_survey_kiosk'),
                                    'survey_kiosk', ['kiosk_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('survey_response', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_survey_response_kiosk_id_survey_kiosk'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_survey_response_kiosk_id'))
        batch_op.drop_column('kiosk_id')
    with op.batch_alter_table('survey_kiosk', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_kiosk_survey_id'))
    op.drop_table('survey_kiosk')
