"""Quiz services: contests and rounds for pages and the API."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .models import Contest


def public_contests(session: Session) -> list[Contest]:
    """Published contests with their rounds, newest first."""
    return list(
        session.scalars(
            select(Contest)
            .where(Contest.published.is_(True))
            .options(selectinload(Contest.rounds), selectinload(Contest.boards))
            .order_by(Contest.created_at.desc())
        )
    )
