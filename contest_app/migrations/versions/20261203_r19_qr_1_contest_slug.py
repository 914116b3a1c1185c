"""quiz: contest slug for the short link /c/<slug>, filled for existing contests

Revision ID: r19_qr_1
Revises: i15d_settings_1
Create Date: 2026-12-03 08:00:00.000000

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'r19_qr_1'
down_revision = 'i15d_settings_1'
branch_labels = None
depends_on = None


def _slug_base(title):
    # A frozen copy of quiz.rules.slug_base (migrations must not change when the app does).
    text = (title or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn").lower()
    slug = ""
    for word in re.sub(r"[^a-z0-9]+", " ", text).split():
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 60:
            if not slug:
                slug = word[:60]
            break
        slug = candidate
    return slug or "cuoc-thi"


def upgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slug', sa.String(length=80), nullable=True))
    bind = op.get_bind()
    contest = sa.table('contest', sa.column('id', sa.Integer), sa.column('title', sa.String),
                       sa.column('slug', sa.String))
    used = set()
    rows = bind.execute(sa.select(contest.c.id, contest.c.title).order_by(contest.c.id)).all()
    for contest_id, title in rows:
        base = slug = _slug_base(title)
        n = 2
        while slug in used:
            slug = f"{base}-{n}"
            n += 1
        used.add(slug)
        bind.execute(contest.update().where(contest.c.id == contest_id).values(slug=slug))
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.alter_column('slug', existing_type=sa.String(length=80), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_contest_slug'), ['slug'])


def downgrade():
    with op.batch_alter_table('contest', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_contest_slug'), type_='unique')
        batch_op.drop_column('slug')
