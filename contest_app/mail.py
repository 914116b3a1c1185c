"""Outgoing e-mail: one `send()` function, two backends chosen by `MAIL_BACKEND`.

- "console" (the default outside production): the whole message is written to the log and
  kept in `outbox`, a list tests read (`outbox.clear()` between tests).
- "smtp" (production): stdlib smtplib to `MAIL_SERVER:MAIL_PORT` (STARTTLS when
  `MAIL_USE_TLS`, login when `MAIL_USERNAME` is set) from `MAIL_FROM`, with a socket timeout of
  `MAIL_TIMEOUT` seconds. Inside a request the delivery runs after the response has been sent
  (the WSGI server closes the response, then the request's messages go over one connection),
  so no page waits for the mail server and a known address answers as fast as an unknown one.
  A failure is logged, never raised: the person asks for a new link.

Every message has a plain-text part and an HTML alternative, and may carry extra headers
(the notifications' `List-Unsubscribe` and `List-Unsubscribe-Post`, RFC 8058)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from flask import after_this_request, current_app, g, has_request_context

log = logging.getLogger("contest_app.mail")

BACKENDS = ("console", "smtp")
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str | None
    sender: str
    headers: tuple[tuple[str, str], ...] = ()

    def as_email(self) -> EmailMessage:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = self.to
        email["Subject"] = self.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=_domain(self.sender))
        for name, value in self.headers:
            email[name] = value
        email.set_content(self.text)
        if self.html is not None:
            email.add_alternative(self.html, subtype="html")
        return email

    def readable(self) -> str:
        """The message as a person reads it (the console backend's log)."""
        parts = [f"From: {self.sender}", f"To: {self.to}", f"Subject: {self.subject}",
                 *(f"{name}: {value}" for name, value in self.headers),
                 "--- text/plain ---", self.text]
        if self.html is not None:
            parts += ["--- text/html ---", self.html]
        return "\n".join(parts)


# Messages the console backend has "sent", oldest first (read by tests).
outbox: list[Message] = []


def _domain(address: str) -> str | None:
    address = address.strip().rstrip(">")
    return address.rsplit("@", 1)[-1] if "@" in address else None


def settings(config: Any) -> dict[str, Any]:
    """The mail settings of an app's config, with defaults."""
    backend = (config.get("MAIL_BACKEND") or "console").strip().lower()
    if backend not in BACKENDS:
        raise ValueError(f"MAIL_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}")
    return {
        "backend": backend,
        "server": config.get("MAIL_SERVER") or "localhost",
        "port": int(config.get("MAIL_PORT") or 25),
        "username": config.get("MAIL_USERNAME") or None,
        "password": config.get("MAIL_PASSWORD") or None,
        "use_tls": bool(config.get("MAIL_USE_TLS")),
        "sender": config.get("MAIL_FROM") or "no-reply@localhost",
        "timeout": float(config.get("MAIL_TIMEOUT") or DEFAULT_TIMEOUT),
    }


def send(to: str, subject: str, text: str, html: str | None = None,
         headers: dict[str, str] | None = None) -> Message:
    """Send one message (plain text, and HTML when given, with any extra `headers`) to `to`.
    Never raises for a delivery problem; returns the message as built."""
    conf = settings(current_app.config)
    message = Message(to=to, subject=subject, text=text, html=html, sender=conf["sender"],
                      headers=tuple((headers or {}).items()))
    if conf["backend"] == "console":
        _console(message)
        return message
    if not has_request_context():
        deliver_smtp([message], conf)
        return message
    pending = g.get("_mail_pending")
    if pending is None:  # the request's first message: deliver them all, once sent
        pending = g._mail_pending = []

        @after_this_request
        def _later(response: Any) -> Any:
            batch = list(pending)
            response.call_on_close(lambda: deliver_smtp(batch, conf))
            return response
    pending.append(message)
    return message


def _console(message: Message) -> None:
    outbox.append(message)
    log.info("E-mail (console backend, not sent):\n%s", message.readable())


def deliver_smtp(messages: list[Message], conf: dict[str, Any]) -> int:
    """Hand the messages to the SMTP server over one connection; returns how many were
    accepted. Every failure is logged, none raised."""
    waiting = list(messages)
    sent = 0
    try:
        with smtplib.SMTP(conf["server"], conf["port"], timeout=conf["timeout"]) as smtp:
            if conf["use_tls"]:
                smtp.starttls(context=ssl.create_default_context())
            if conf["username"]:
                smtp.login(conf["username"], conf["password"] or "")
            while waiting:
                message = waiting[0]
                try:
                    smtp.send_message(message.as_email())
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                        smtplib.SMTPSenderRefused, ValueError) as err:
                    log.error("E-mail to %s (%s) was not sent: %s", message.to,
                              message.subject, err)
                else:
                    sent += 1
                    log.info("E-mail to %s sent: %s", message.to, message.subject)
                waiting.pop(0)
    except (OSError, smtplib.SMTPException) as err:
        for message in waiting:
            log.error("E-mail to %s (%s) was not sent: %s", message.to, message.subject, err)
    return sent
