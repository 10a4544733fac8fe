"""Uploads to CKAN stream the file: the multipart body is read piece by piece while sending."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flows.adapters.ckan.target import CkanTarget


class _Recorder(BaseHTTPRequestHandler):
    requests: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.requests.append((dict(self.headers), body))
        data = b'{"success": true, "result": {"id": "r1"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


class _Counting:
    """A file that remembers how much was read at once."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("rb")
        self.name = str(path)
        self.largest = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.largest = max(self.largest, len(data))
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)


@pytest.fixture
def portal() -> Iterator[str]:
    _Recorder.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_upload_is_streamed_and_arrives_intact(portal: str, tmp_path: Path) -> None:
    path = tmp_path / "kennzahlen.csv"
    content = b"monat,anzahl\n" + b"2024-01-01,12\n" * 400_000  # 5.6 MB
    path.write_bytes(content)
    upload = _Counting(path)
    target = CkanTarget(portal, "token-123")
    result = target.call("resource_create", "d", files={"upload": upload}, package_id="p",
                         name="Fallzahlen", size=5)
    assert result == {"id": "r1"}
    ((headers, body),) = _Recorder.requests
    assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert int(headers["Content-Length"]) == len(body)
    assert b'filename="kennzahlen.csv"' in body and content in body
    assert b'name="package_id"\r\n\r\np\r\n' in body and b'name="size"\r\n\r\n5\r\n' in body
    assert upload.largest < 1 << 20, "the file was read whole, not streamed"
