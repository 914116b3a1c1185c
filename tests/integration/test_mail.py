"""The mail module: console backend (log and outbox), SMTP backend delivered after the
response with a short timeout, failures logged and never a 500."""

from __future__ import annotations

import logging
import smtplib

import pytest
from flask import Flask

from contest_app import mail


@pytest.fixture
def fake_smtp(monkeypatch):
    sent: list[dict] = []

    class FakeSMTP:
        fail = False
        connections = 0

        def __init__(self, host, port, timeout=None):
            if FakeSMTP.fail:
                raise OSError("connection refused")
            FakeSMTP.connections += 1
            self.record = {"host": host, "port": port, "timeout": timeout, "tls": False,
                           "login": None}

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def starttls(self, context=None):
            self.record["tls"] = True

        def login(self, user, password):
            self.record["login"] = (user, password)

        def send_message(self, message):
            sent.append({**self.record, "message": message})

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = sent
    return FakeSMTP


def test_console_backend_logs_the_whole_message_and_keeps_it(app, caplog) -> None:
    mail.outbox.clear()
    with app.test_request_context(), caplog.at_level(logging.INFO, "contest_app.mail"):
        message = mail.send("a@example.vn", "Chào bạn", "Nội dung thư", "<p>Nội dung thư</p>")
    assert mail.outbox == [message]
    email = message.as_email()
    assert email["Subject"] == "Chào bạn" and email["To"] == "a@example.vn"
    assert [p.get_content_type() for p in email.iter_parts()] == ["text/plain", "text/html"]
    assert "a@example.vn" in caplog.text and "Chào bạn" in caplog.text
    mail.outbox.clear()


def _smtp_app(app: Flask, **extra) -> Flask:
    from contest_app import create_app
    from tests.conftest import make_test_config

    return create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                       MAIL_BACKEND="smtp", MAIL_SERVER="smtp.example.vn",
                                       MAIL_PORT=587, MAIL_USERNAME="hoithi",
                                       MAIL_PASSWORD="bi-mat", MAIL_USE_TLS=True,
                                       MAIL_FROM="Hội thi <no-reply@example.vn>", **extra))


def test_smtp_delivery_waits_for_the_response_to_be_sent(app, fake_smtp) -> None:
    smtp_app = _smtp_app(app)

    @smtp_app.route("/_test-mail")
    def _send():
        mail.send("b@example.vn", "Tiêu đề", "Văn bản", "<p>HTML</p>")
        mail.send("c@example.vn", "Tiêu đề 2", "Văn bản 2")
        return "ok"

    client = smtp_app.test_client()
    response = client.get("/_test-mail")
    assert response.status_code == 200
    assert fake_smtp.sent == []  # not during the request
    response.close()  # the WSGI server closes the response once it is sent
    assert [r["message"]["To"] for r in fake_smtp.sent] == ["b@example.vn", "c@example.vn"]
    assert fake_smtp.connections == 1  # the request's messages share one connection
    record = fake_smtp.sent[0]
    assert (record["host"], record["port"], record["timeout"]) == ("smtp.example.vn", 587, 10.0)
    assert record["tls"] and record["login"] == ("hoithi", "bi-mat")
    assert record["message"]["From"] == "Hội thi <no-reply@example.vn>"
    assert record["message"]["Subject"] == "Tiêu đề"


def test_smtp_failure_is_logged_never_raised(app, fake_smtp, caplog) -> None:
    smtp_app = _smtp_app(app)
    fake_smtp.fail = True
    with smtp_app.app_context(), caplog.at_level(logging.ERROR, "contest_app.mail"):
        mail.send("c@example.vn", "Tiêu đề", "Văn bản")  # outside a request: at once
    assert "was not sent" in caplog.text and "connection refused" in caplog.text
    fake_smtp.fail = False


def test_reset_request_with_a_failing_mail_server_is_not_a_500(app, make_user, fake_smtp
                                                                ) -> None:
    user = make_user()
    smtp_app = _smtp_app(app)
    fake_smtp.fail = True
    response = smtp_app.test_client().post("/api/v1/password-resets", json={"email": user.email})
    assert response.status_code == 202
    response.close()
    fake_smtp.fail = False


def test_unknown_backend_is_refused_at_startup(app) -> None:
    from contest_app import create_app
    from tests.conftest import make_test_config

    with pytest.raises(ValueError, match="MAIL_BACKEND"):
        create_app(make_test_config(app.config["SQLALCHEMY_DATABASE_URI"],
                                    MAIL_BACKEND="carrier-pigeon"))
