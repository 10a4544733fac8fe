"""A whole batch run of the OParl example dataset against the local OParl 1.1 server
(tests/oparl_server.py); the OParl source itself is unit-tested in tests/unit/adapters."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.oparl_server import OParlServer


def test_example_dataset_from_the_live_server_matches_the_raw_objects(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from flows.run import batch
    from flows.settings import Settings

    with OParlServer() as server:
        monkeypatch.setenv("OPARL_SYSTEM_URL", server.base + "/")
        summary = batch.run(Settings.from_env(), ["ratsinformation-kennzahlen"],
                           [f"local:{tmp_path / 'katalog'}"])
        data = server.data
    (result,) = summary.results
    assert result.status == "published", result.problems
    assert result.provenance["sitzungen"]["location"] == server.base + "/"
    with (tmp_path / "katalog/ratsinformation-kennzahlen/sitzungen.csv").open() as handle:
        published = sum(int(r["sitzungen"]) for r in csv.DictReader(handle))
    assert published == len(data["meeting"])
    with (tmp_path / "katalog/ratsinformation-kennzahlen/vorlagen.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert sum(int(r["vorlagen"]) for r in rows) == len(data["paper"])
    assert all(0 <= float(r["anteil_mit_dokument"]) <= 1 for r in rows)
