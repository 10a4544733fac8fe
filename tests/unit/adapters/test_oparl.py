"""The OParl source against a local OParl 1.1 server on loopback (tests/oparl_server.py)."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import jsonschema

from flows.adapters.sources import oparl
from flows.specs.datasets import SourceSpec
from tests.helpers import shared_reference
from tests.oparl_server import OParlServer


def _shared_reference() -> Path:
    return shared_reference()


def _read(url: str, obj: str = "meeting", **options: object):  # noqa: ANN202
    return oparl.read(SourceSpec(kind="oparl", options={"url": url, "object": obj, **options}),
                      {"dataset": "d"}, cache_dir=options.pop("_cache", None))  # type: ignore[arg-type]


def test_generated_server_data_validates_against_the_oparl_schemas() -> None:
    schemas = _shared_reference() / "oparl" / "schema"
    with OParlServer() as server:
        data = server.data
    checks = [("System", [data["system"]]), ("Body", data["bodies"]),
              ("Organization", data["organization"]), ("Meeting", data["meeting"]),
              ("Paper", data["paper"]),
              ("AgendaItem", [a for m in data["meeting"] for a in m["agendaItem"]])]
    for name, objects in checks:
        schema = json.loads((schemas / f"{name}.json").read_text(encoding="utf-8"))
        for item in objects:
            jsonschema.validate(item, schema)
        assert objects


def test_meetings_and_papers_follow_pagination() -> None:
    with OParlServer() as server:
        header, rows, provenance, found = _read(server.base + "/")
        assert found == [] and len(rows) == 72
        assert header[:3] == ["id", "name", "start"]
        committees = Counter(r[header.index("gremium")] for r in rows)
        expected = Counter(
            next(o["name"] for o in server.data["organization"] if o["id"] == m["organization"][0])
            for m in server.data["meeting"])
        assert committees == expected
        # system + bodies + 4 meeting pages + 1 organization page
        assert provenance["requests"] == 7
        _, papers, _, _ = _read(server.base + "/", "paper")
        with_file = sum(1 for p in server.data["paper"] if "mainFile" in p)
        assert sum(r[-1] for r in papers) == with_file and len(papers) == 150


def test_incremental_runs_fetch_only_changes(tmp_path: Path) -> None:
    with OParlServer() as server:
        first = _read(server.base + "/", "paper", incremental=True, _cache=tmp_path)
        assert len(first[1]) == 150
        time.sleep(1.1)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        server.data["paper"][0].update(name="Vorlage geändert", modified=now)
        server.data["paper"][1].update(deleted=True, modified=now)
        server.requests.clear()
        second = _read(server.base + "/", "paper", incremental=True, _cache=tmp_path)
        names = {r[0]: r[1] for r in second[1]}
        assert len(names) == 149 and names[server.data["paper"][0]["id"]] == "Vorlage geändert"
        assert second[2]["changed"] == 2
        assert any("modified_since=" in path for path in server.requests)


def test_rate_limit_is_honoured() -> None:
    with OParlServer(rate_limit_once=True) as server:
        started = time.monotonic()
        _, rows, _, found = _read(server.base + "/", "organization", min_interval=0.05)
        assert found == [] and len(rows) == 4
        assert time.monotonic() - started >= 1.0  # Retry-After: 1
        assert server.requests[0] == server.requests[1]  # the refused request was repeated


def test_invalid_json_and_a_broken_next_link_are_one_clear_problem_each() -> None:
    with OParlServer(invalid_json=True) as server:
        _, rows, _, found = _read(server.base + "/", "paper")
        assert rows == [] and [p.code for p in found] == ["source-unreadable"]
        assert "kein gültiges JSON" in found[0].message
    with OParlServer(broken_next=True) as server:
        _, rows, _, found = _read(server.base + "/", "meeting")
        assert rows == [] and [p.code for p in found] == ["source-unreadable"]
        assert "next-Link" in found[0].message and "Seite 2" in found[0].message


def test_unreachable_system() -> None:
    _, rows, _, found = _read("http://127.0.0.1:9/", retries=0)
    assert rows == [] and [p.code for p in found] == ["source-unreachable"]
