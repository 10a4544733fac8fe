"""SQL (SQLite), JSON/HTTP (loopback server) and ODS sources: happy paths and bad input."""

from __future__ import annotations

import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from flows.specs.datasets import ResourceSpec, SourceSpec
from flows.stages.collect import collect
from tests.helpers import ROOT


def _collect(kind: str, path: Path | None = None, **options: Any):  # noqa: ANN202
    common = {k: options.pop(k) for k in ("sheet", "header_row") if k in options}
    source = SourceSpec(kind=kind, path=path, options=options, **common)
    return collect(ResourceSpec("r", "r.csv", "s", {"fields": []}, source), "d", ROOT)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "fach.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE faelle (eingang TEXT, art TEXT, inhaber TEXT)")
        db.executemany("INSERT INTO faelle VALUES (?, ?, ?)",
                       [(f"2026-01-{d:02d}", "Anmeldung", f"Person {d}") for d in range(1, 26)])
    return path


def test_sql_query_streams_in_chunks_and_hides_credentials(database: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACH_DB", f"sqlite:///{database}")
    raw = _collect("sql", url_env="FACH_DB", query="SELECT eingang, art FROM faelle",
                   chunk_size=7)
    assert raw.ok and raw.header == ["eingang", "art"] and len(raw.rows) == 25
    assert raw.row_numbers[:3] == [1, 2, 3]
    assert raw.provenance["query"] == "SELECT eingang, art FROM faelle"
    table_raw = _collect("sql", url=f"sqlite:///{database}", table="faelle")
    assert table_raw.header == ["eingang", "art", "inhaber"]


def test_sql_bad_query_and_missing_environment(database: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    raw = _collect("sql", url=f"sqlite:///{database}", query="SELECT nix FROM faelle")
    assert [p.code for p in raw.problems] == ["source-query-error"]
    assert "nix" in raw.problems[0].message
    monkeypatch.delenv("FEHLT_DB", raising=False)
    raw = _collect("sql", url_env="FEHLT_DB", query="SELECT 1")
    assert [p.code for p in raw.problems] == ["config-error"]
    assert "FEHLT_DB" in raw.problems[0].message


def test_sql_unreachable_host_never_shows_the_password(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("DB_PASSWORT", "sehr-geheim-4711")
    raw = _collect("sql", url=f"postgresql://leser@127.0.0.1:{port}/fach",
                   password_env="DB_PASSWORT", query="SELECT 1")
    (problem,) = raw.problems
    assert problem.code == "source-unreachable" and f":{port}" in problem.message
    assert "sehr-geheim-4711" not in json.dumps(problem.to_dict()) + str(raw.provenance)


def test_sql_password_in_descriptor_url_is_refused() -> None:
    raw = _collect("sql", url="postgresql://leser:klartext@db/fach", query="SELECT 1")
    assert [p.code for p in raw.problems] == ["config-error"]
    assert "klartext" not in raw.problems[0].message


class _Api(BaseHTTPRequestHandler):
    calls: list[str] = []
    failures_left = 0

    def do_GET(self) -> None:  # noqa: N802
        self.calls.append(self.path)
        if self.path.startswith("/kaputt"):
            return self._send(200, "{nicht json")
        if self.path.startswith("/fehlt"):
            return self._send(404, "{}")
        if self.path.startswith("/wackelig") and _Api.failures_left:
            _Api.failures_left -= 1
            return self._send(503, "{}")
        if self.headers.get("Authorization") != "Bearer abc123":
            return self._send(401, json.dumps({"error": "unauthorized"}))
        if self.path.startswith("/seiten"):
            page = int(self.path.split("page=")[1].split("&")[0])
            items = [{"n": page * 10 + i} for i in range(2)] if page <= 3 else []
            return self._send(200, json.dumps({"items": items}))
        page = int(self.path.rsplit("=", 1)[1]) if "=" in self.path else 1
        nxt = f"/links?p={page + 1}" if page < 3 else None
        body = {"data": {"items": [{"leistung": f"L{page}", "anzahl": page}]},
                "links": {"next": nxt}}
        return self._send(200, json.dumps(body))

    def _send(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    _Api.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("API_TOKEN", "abc123")
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


AUTH = {"env": "API_TOKEN", "prefix": "Bearer "}


def test_json_follows_next_links_with_auth_header(api: str) -> None:
    raw = _collect("json", url=f"{api}/links", records="data.items",
                   pagination={"next": "links.next"}, auth=AUTH)
    assert raw.ok, raw.problems
    assert raw.header == ["leistung", "anzahl"] and raw.rows == [["L1", 1], ["L2", 2], ["L3", 3]]
    assert raw.provenance["pages"] == 3 and "abc123" not in json.dumps(raw.provenance)


def test_json_page_parameter(api: str) -> None:
    raw = _collect("json", url=f"{api}/seiten", records="items", auth=AUTH,
                   pagination={"page_param": "page", "size_param": "size", "size": 2})
    assert [r[0] for r in raw.rows] == [10, 11, 20, 21, 30, 31]


def test_json_retries_5xx_but_not_4xx(api: str) -> None:
    _Api.failures_left = 2
    raw = _collect("json", url=f"{api}/wackelig", records="data.items", auth=AUTH)
    assert raw.ok and len([c for c in _Api.calls if c.startswith("/wackelig")]) == 3
    _Api.calls = []
    raw = _collect("json", url=f"{api}/links", records="data.items")  # no token
    assert [p.code for p in raw.problems] == ["source-rejected"] and len(_Api.calls) == 1


def test_json_invalid_body_and_broken_next_link(api: str) -> None:
    raw = _collect("json", url=f"{api}/kaputt", records="items", auth=AUTH)
    assert [p.code for p in raw.problems] == ["source-unreadable"]
    raw = _collect("json", url=f"{api}/fehlt", records="items", auth=AUTH, retries=0)
    assert [p.code for p in raw.problems] == ["source-rejected"]
    assert "404" in raw.problems[0].message


def test_json_unreachable_host_is_retried_then_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    raw = _collect("json", url=f"http://127.0.0.1:{port}/x", records="items", retries=1)
    assert [p.code for p in raw.problems] == ["source-unreachable"]
    assert "2 Versuchen" in raw.problems[0].message


def test_ods_named_sheet_with_title_rows() -> None:
    path = ROOT / "datapackages/bibliothek-ausleihen/source/ausleihen.ods"
    raw = _collect("ods", path, sheet="Ausleihen", header_row=3)
    assert raw.ok and raw.header == ["Monat", "Medium", "Ausleihen"]
    assert raw.row_numbers[0] == 4 and len(raw.rows) == 60


def test_ods_missing_sheet_names_the_existing_ones() -> None:
    path = ROOT / "datapackages/bibliothek-ausleihen/source/ausleihen.ods"
    raw = _collect("ods", path, sheet="Tabelle9", header_row=3)
    (problem,) = raw.problems
    assert problem.code == "source-unreadable" and "Ausleihen" in problem.message
