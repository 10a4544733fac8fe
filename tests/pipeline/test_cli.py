"""The command line as users meet it, each case a `kennzahlen` process: exit codes, messages, no
tracebacks for user errors (the in-process cases are in tests/unit/test_cli.py)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import FIXTURES

KOSTEN = "datapackages/digitalisierung-kosten/source/roadmap-kosten.csv"


def _cli(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("kennzahlen")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(extra_env or {})})


def test_unknown_dataset_is_a_usage_error_without_traceback(env: dict[str, str]) -> None:
    done = _cli("validate", "gibt-es-nicht")
    assert done.returncode == 2
    assert "Unbekannter Datensatz 'gibt-es-nicht'" in done.stderr
    assert "digitalisierung-kosten" in done.stderr and "Traceback" not in done.stderr


def test_missing_token_is_reported_before_anything_runs(env: dict[str, str]) -> None:
    done = _cli("publish", "--target", "ckan", extra_env={"CKAN_URL": "http://127.0.0.1:9"})
    assert done.returncode == 2
    assert "CKAN_API_TOKEN" in done.stderr and "Traceback" not in done.stderr
    assert not (Path(env["KENNZAHLEN_OUT"]) / "reports").exists()


@pytest.mark.parametrize("value", ["vier", "0", "-2"])
def test_a_bad_concurrency_is_a_usage_error_before_the_run(env: dict[str, str],
                                                            value: str) -> None:
    done = _cli("run", extra_env={"KENNZAHLEN_CONCURRENCY": value})
    assert done.returncode == 2
    assert "KENNZAHLEN_CONCURRENCY muss eine ganze Zahl ab 1 sein" in done.stderr
    assert repr(value) in done.stderr and "Traceback" not in done.stderr
    assert not (Path(env["KENNZAHLEN_OUT"]) / "reports").exists()


def test_unreachable_ckan_fails_each_dataset_clearly(env: dict[str, str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    token = "tok-1234567890-abcdef"
    done = _cli("publish", "digitalisierung-kosten", "--target", "ckan",
                extra_env={"CKAN_URL": f"http://127.0.0.1:{port}", "CKAN_API_TOKEN": token,
                           "CKAN_RETRY_BUDGET": "1"})
    assert done.returncode == 1
    assert "fehlgeschlagen" in done.stdout and "nicht erreichbar" in done.stdout
    assert "[ckan-unreachable]" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr and token not in done.stdout


@pytest.mark.parametrize("breakage, expected", [
    ("missing", ["source-missing", "roadmap-kosten.csv"]),
    ("encoding", ["source-encoding", "Zeile 1", "cp1252"]),
    ("ragged", ["extra-cell", "Zeile 3", "missing-cell", "Zeile 4"]),
])
def test_bad_input_is_explained_and_the_last_good_version_stays(
        env: dict[str, str], project: Path, breakage: str, expected: list[str]) -> None:
    assert _cli("publish").returncode == 0
    catalog = Path(env["KENNZAHLEN_OUT"]) / "catalog"
    good = (catalog / "digitalisierung-kosten" / "kosten.csv").read_bytes()
    source = project / KOSTEN
    if breakage == "missing":
        source.unlink()
    elif breakage == "encoding":
        (project / "datapackages/digitalisierung-kosten/dataset.yaml").write_text(
            (project / "datapackages/digitalisierung-kosten/dataset.yaml").read_text()
            .replace("encoding: cp1252", "encoding: utf-8"))
    else:
        shutil.copy(FIXTURES / "kosten-invalid-ragged-row.csv", source)
    done = _cli("publish")
    assert done.returncode == 1
    assert re.search(r"\[\d+/\d+\] digitalisierung-kosten: nicht veröffentlicht", done.stdout)
    assert re.search(r"\[\d+/\d+\] digitalstrategie-massnahmen: unverändert", done.stdout)
    for text in expected:
        assert text in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert (catalog / "digitalisierung-kosten" / "kosten.csv").read_bytes() == good


@pytest.mark.parametrize("args", [["--help"], ["list"]])
def test_help_and_list_do_not_import_heavy_libraries(args: list[str]) -> None:
    code = ("import sys, flows.cli\n"
            f"try:\n    flows.cli.main({args!r})\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('prefect', 'frictionless', 'ckanapi', 'openpyxl', "
            "'great_expectations', 'pandas', 'sqlalchemy') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_module_runs_as_a_script() -> None:
    done = subprocess.run([sys.executable, "-m", "flows.cli", "reference", "--help"],
                          capture_output=True, text=True, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    assert "download" in done.stdout


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # `kennzahlen list | head` where head has already gone: every write meets a closed pipe
    exe = Path(sys.executable).with_name("kennzahlen")
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([str(exe), "list"], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.returncode == 1
