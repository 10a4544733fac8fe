"""Unchanged inputs are not validated again; any change to cells, schema or settings is."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from flows.model.tables import Table
from flows.run import cache
from flows.stages import validate as validate_stage
from tests.helpers import FIXTURES, resource


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """Counts real validations (the real validator still runs)."""
    monkeypatch.setenv("KENNZAHLEN_OUT", str(tmp_path / "out"))
    monkeypatch.delenv("KENNZAHLEN_VALIDATION_CACHE", raising=False)
    seen: list[str] = []
    real = validate_stage.validate

    def counting(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(args[0].rows[0][0])
        return real(*args, **kwargs)

    monkeypatch.setattr(validate_stage, "validate", counting)
    return seen


def _table(first: str = "A") -> Table:
    return Table(fields=["projekt", "beschreibung", "einmalige_kosten_eur",
                         "jaehrliche_kosten_eur", "beginn", "anmerkung"],
                 rows=[[first, "", "1", "-2", "2020-01-01", ""], ["B", "", "x", "2", "", ""]],
                 row_numbers=[2, 3])


def _run(tmp_path: Path, table: Table, res=None, masked=None):  # noqa: ANN001, ANN202
    res = res or resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    return cache.validate_cached(tmp_path, table, res, "d", "f.csv", masked=masked)


def test_second_run_reuses_the_stored_findings(calls: list[str], tmp_path: Path) -> None:
    first = _run(tmp_path, _table())
    again = _run(tmp_path, _table())
    assert len(calls) == 1
    assert not first.cached and again.cached
    assert again.problems == first.problems and again.rows == first.rows == 2
    assert {(p.code, p.row) for p in again.problems} == {("constraint-error", 2),
                                                         ("type-error", 3)}
    assert list((tmp_path / "out" / "cache" / "validation").glob("*.json"))


def test_a_changed_cell_schema_or_setting_validates_again(calls: list[str],
                                                          tmp_path: Path) -> None:
    res = resource("digitalisierung-kosten", FIXTURES / "kosten-valid.csv")
    _run(tmp_path, _table(), res)
    _run(tmp_path, _table("C"), res)
    schema = {**res.schema, "fields": [{**res.schema["fields"][0], "type": "string",
                                        "constraints": {}}, *res.schema["fields"][1:]]}
    _run(tmp_path, _table(), dataclasses.replace(res, schema=schema))
    protect = dataclasses.replace(res.protect, small_count_fields=("jaehrliche_kosten_eur",))
    _run(tmp_path, _table(), dataclasses.replace(res, protect=protect))
    _run(tmp_path, _table(), res, masked={(3, "beschreibung")})
    moved = _table()
    moved.row_numbers = [5, 6]
    _run(tmp_path, moved, res)
    assert len(calls) == 6
    _run(tmp_path, moved, res)
    assert len(calls) == 6
    assert len(list((tmp_path / "out" / "cache" / "validation").glob("*.json"))) == 1


def test_cache_can_be_switched_off_and_survives_a_damaged_entry(
        calls: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _run(tmp_path, _table())
    (entry,) = (tmp_path / "out" / "cache" / "validation").glob("*.json")
    entry.write_text("{kaputt")
    assert not _run(tmp_path, _table()).cached
    monkeypatch.setenv("KENNZAHLEN_VALIDATION_CACHE", "off")
    assert not _run(tmp_path, _table()).cached
    assert len(calls) == 3
