"""Delivery of notifications against a real local SMTP server and webhook receiver: failures
become transient or terminal errors whose messages show neither password nor webhook token."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from flows.adapters.notify import smtp, webhook
from flows.errors import TerminalError, TransientError
from tests.notify_servers import PASSWORD, USER, body, free_port, smtp_server, webhook_receiver


def _settings(port: int, password: str = PASSWORD) -> smtp.SmtpSettings:
    return smtp.SmtpSettings("127.0.0.1", port, "kennzahlen@musterstadt.example", USER, password,
                             "none", timeout=5)


def test_a_message_arrives_in_utf8_with_subject_and_sender() -> None:
    with smtp_server() as (port, box):
        smtp.send(_settings(port), "team@musterstadt.example", "Prüfung nötig", "Grüße\n")
    ((rcpts, message),) = box.messages
    assert rcpts == ["team@musterstadt.example"] and box.logins == [USER]
    assert message["Subject"] == "Prüfung nötig" and body(message).splitlines() == ["Grüße"]
    assert message["From"] == "kennzahlen@musterstadt.example"


def test_a_refused_login_is_terminal_and_does_not_show_the_password() -> None:
    with smtp_server() as (port, box), pytest.raises(TerminalError) as caught:
        smtp.send(_settings(port, "falsches-passwort-99"), "a@musterstadt.example", "x", "y")
    assert "Anmeldung" in caught.value.message and "falsches-passwort-99" not in str(caught.value)
    assert box.messages == []


def test_an_unreachable_server_is_transient() -> None:
    with pytest.raises(TransientError, match="nicht erreichbar"):
        smtp.send(_settings(free_port()), "a@musterstadt.example", "x", "y")


def test_the_webhook_receives_the_json() -> None:
    with webhook_receiver() as (url, received):
        webhook.post(url, {"text": "Hallo", "events": []})
    assert received == [{"text": "Hallo", "events": []}]


@pytest.mark.parametrize("status, error", [(404, TerminalError), (503, TransientError),
                                           (429, TransientError)])
def test_a_refusing_webhook_names_only_its_host(status: int, error: type) -> None:
    class Refuse(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(error) as caught:
            webhook.post(f"http://127.0.0.1:{server.server_address[1]}/hook/geheim-token-1", {})
    finally:
        server.shutdown()
        server.server_close()
    assert "127.0.0.1" in caught.value.message and "geheim-token-1" not in caught.value.message
