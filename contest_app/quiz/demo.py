"""The demo contest (filled in once the bank and the quiz engine exist)."""

from __future__ import annotations

from sqlalchemy.orm import Session


def load_demo_contest(session: Session) -> None:
    """Create the demo contest when the bank has questions; a no-op before that."""
    return None
