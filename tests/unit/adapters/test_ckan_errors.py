"""How the CKAN adapter classifies failures, against a loopback stub that answers like a broken
portal would. (The happy paths run against the real CKAN in tests/integration/.)"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import ckanapi
import pytest

from flows.adapters.ckan.target import CkanTarget
from flows.errors import (
    NameConflictError,
    NotAuthorizedError,
    PublishRejectedError,
    TargetUnreachableError,
    TerminalError,
)

TOKEN = "secret-token-abcdef123456"


class _Stub(BaseHTTPRequestHandler):
    replies: dict[str, tuple[int, object]] = {}
    seen_tokens: list[str] = []

    def _answer(self) -> None:
        action = self.path.split("?")[0].rsplit("/", 1)[-1]
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.seen_tokens.append(self.headers.get("Authorization", ""))
        status, body = self.replies.get(action, (404, {"success": False, "error": {
            "__type": "Not Found Error", "message": "Nicht gefunden"}}))
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer  # noqa: N815 - http.server's naming

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[tuple[str, type[_Stub]]]:
    _Stub.replies = {}
    _Stub.seen_tokens = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Stub
    server.shutdown()


def _error(kind: str, **extra: object) -> dict[str, object]:
    return {"success": False, "error": {"__type": kind, **extra}}


def test_http_5xx_and_429_are_transient(stub) -> None:  # noqa: ANN001
    url, handler = stub
    handler.replies["package_show"] = (503, "<html>Wartung</html>")
    with pytest.raises(TargetUnreachableError, match="HTTP 503"):
        CkanTarget(url, TOKEN).show("x")
    handler.replies["package_show"] = (429, "slow down")
    with pytest.raises(TargetUnreachableError, match="HTTP 429"):
        CkanTarget(url, TOKEN).show("x")


def test_connection_refused_is_transient_and_names_the_portal() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TargetUnreachableError, match=f"127.0.0.1:{port}"):
        CkanTarget(f"http://127.0.0.1:{port}", TOKEN).show("x")


def test_403_is_terminal_and_never_shows_the_token(stub) -> None:  # noqa: ANN001
    url, handler = stub
    handler.replies["organization_show"] = (403, _error("Authorization Error",
                                                        message="Zugriff verweigert"))
    target = CkanTarget(url, TOKEN)
    with pytest.raises(NotAuthorizedError) as caught:
        target.call("organization_show", "x", id="o")
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value.context)
    assert TOKEN not in repr(target) + repr(target._client) + repr(vars(target))
    assert handler.seen_tokens[-1] == TOKEN  # it was sent, just never shown


def test_name_conflict_is_detected_by_field_not_by_message(stub) -> None:  # noqa: ANN001
    url, handler = stub
    handler.replies["package_create"] = (409, _error("Validation Error",
                                                     name=["Diese URL ist bereits vergeben."]))
    with pytest.raises(NameConflictError):
        CkanTarget(url, TOKEN).call("package_create", "x", name="x")
    handler.replies["package_create"] = (409, _error("Validation Error", tags=["ungültig"]))
    with pytest.raises(PublishRejectedError, match="tags"):
        CkanTarget(url, TOKEN).call("package_create", "x", name="x")


def test_not_found_passes_through_and_show_returns_none(stub) -> None:  # noqa: ANN001
    url, _ = stub
    assert CkanTarget(url, TOKEN).show("fehlt") is None
    with pytest.raises(ckanapi.NotFound):
        CkanTarget(url, TOKEN).call("organization_show", id="o")


def test_something_that_is_not_ckan(stub) -> None:  # noqa: ANN001
    url, handler = stub
    handler.replies["package_show"] = (200, "[1, 2, 3]")
    with pytest.raises(TerminalError, match="kein CKAN"):
        CkanTarget(url, TOKEN).show("x")
