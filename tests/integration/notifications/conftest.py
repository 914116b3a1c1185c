from __future__ import annotations

from collections.abc import Iterator

import pytest

from contest_app import mail


@pytest.fixture
def outbox() -> Iterator[list[mail.Message]]:
    mail.outbox.clear()
    yield mail.outbox
    mail.outbox.clear()
