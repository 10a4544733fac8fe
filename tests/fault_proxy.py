"""A fault-injecting HTTP proxy for the tests: sits between kennzahlen and the real CKAN on
loopback and misbehaves as told: answer 500/502/503 or 429 (with Retry-After), answer too slowly,
or reset the connection in the middle of a request body. Everything else is passed through."""

from __future__ import annotations

import http.client
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse


@dataclass
class Fault:
    match: str
    """Substring of the request path, e.g. 'resource_create'."""
    kind: str
    """status | retry_after | slow | reset"""
    times: int = 1
    status: int = 503
    seconds: float = 1.0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FaultProxy  # type: ignore[assignment]

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        fault = self.server.take(self.path)
        self.server.seen.append(self.path)
        if fault and fault.kind == "reset":
            self.rfile.read(min(length, 2048))  # part of the upload, then the line drops
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        if fault and fault.kind in ("status", "retry_after"):
            status = 429 if fault.kind == "retry_after" else fault.status
            extra = {"Retry-After": str(int(fault.seconds))} if fault.kind == "retry_after" else {}
            return self._reply(status, b"<html>Stoerung</html>", extra)
        if fault and fault.kind == "slow":
            time.sleep(fault.seconds)
        upstream = http.client.HTTPConnection(self.server.upstream.hostname,
                                              self.server.upstream.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host",
                                                                           "connection")}
        upstream.request(self.command, self.path, body=body, headers=headers)
        response = upstream.getresponse()
        data = response.read()
        passed = {k: v for k, v in response.getheaders()
                  if k.lower() not in ("transfer-encoding", "connection", "content-length")}
        upstream.close()
        self._reply(response.status, data, passed)

    def _reply(self, status: int, data: bytes, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout); that is the point of 'slow'

    do_GET = do_POST = _handle  # noqa: N815 - the names http.server dispatches to

    def log_message(self, *args: object) -> None:
        pass


class FaultProxy(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, upstream: str, *faults: Fault) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = urlparse(upstream)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        self.faults = list(faults)
        self.seen: list[str] = []
        self._lock = threading.Lock()

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.times > 0 and fault.match in path:
                    fault.times -= 1
                    return fault
        return None

    def __enter__(self) -> FaultProxy:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *args: object) -> None:
        self.shutdown()
        self.server_close()
