"""The command line in process: `list` and `validate` with their exit codes and output (the
cases that start a `kennzahlen` process are in tests/pipeline/test_cli.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flows.cli import main
from tests.helpers import FIXTURES, MONTHLY

FALLZAHLEN = "datapackages/fallzahlen-verwaltungsleistungen/source/fallzahlen.csv"


def test_list_shows_datasets(env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "digitalisierung-kosten  Kosten der Digitalisierungs-Roadmap 2019–2020" in out
    assert main(["list", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert "digitalisierung-kosten" in [r["name"] for r in rows]
    assert {r["resources"][0]["source"] for r in rows} == {"csv", "xlsx", "ods", "sql", "json",
                                                            "oparl", "members"}


def test_validate_valid_and_invalid_exit_codes(env: dict[str, str], project: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "digitalisierung-kosten"]) == 0
    shutil.copy(FIXTURES / "fallzahlen-invalid-non-numeric-count.csv", project / FALLZAHLEN)
    assert main(["validate", MONTHLY]) == 1
    out = capsys.readouterr().out
    assert f"Datensatz {MONTHLY}, Datei " in out
    assert "Zeile 3, Feld anzahl" in out and "«Text, 5 Zeichen, enthält Buchstaben»" in out
    assert main(["validate", "--format", "json", MONTHLY]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False and report["problem_counts"]["type-error"] == 1


@pytest.mark.parametrize("args", [["approve", "gibt-es-nicht"],
                                  ["reject", "gibt-es-nicht", "--comment", "x"]])
def test_deciding_on_an_unknown_dataset_says_so(env: dict[str, str], args: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Unbekannter Datensatz 'gibt-es-nicht'" in err and "zurückgehalten" not in err


def test_a_local_target_whose_parent_is_missing_is_a_usage_error(
        env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "gibt" / "es-nicht" / "katalog"
    assert main(["publish", "digitalisierung-kosten", "--target", f"local:{missing}"]) == 2
    err = capsys.readouterr().err
    assert f"{missing.parent} existiert nicht" in err
    assert not missing.parent.exists()
