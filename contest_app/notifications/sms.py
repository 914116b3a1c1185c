"""Text messages (SMS, Zalo OA): the interface a real provider will implement, and a backend
that only writes each message to the log. Nothing is sent to any phone yet: no provider is
integrated (see README, configuration)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

log = logging.getLogger("contest_app.notifications.sms")


@dataclass(frozen=True)
class TextMessage:
    phone: str  # 10 digits, starting with 0
    text: str
    channel: str = "sms"  # "sms" or "zalo"


@runtime_checkable
class SmsBackend(Protocol):
    def send(self, message: TextMessage) -> bool:
        """Hand one message to the provider; True when it was accepted."""
        ...


class LoggingSmsBackend:
    """Writes the message to the log (phone number masked) and keeps it in `sent` for tests;
    sends nothing."""

    def __init__(self) -> None:
        self.sent: list[TextMessage] = []

    def send(self, message: TextMessage) -> bool:
        masked = message.phone[:3] + "*" * max(len(message.phone) - 6, 0) + message.phone[-3:]
        log.info("%s to %s (logging backend, not sent): %s", message.channel.upper(), masked,
                 message.text)
        self.sent.append(message)
        return True
