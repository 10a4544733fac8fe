"""scripts/lockfile: a lock is fresh only for the dependencies it was made from."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

PYPROJECT = """[project]
name = "x"
requires-python = ">=3.11"
dependencies = ["prefect==3.8.8"]

[project.optional-dependencies]
test = ["pytest>=8"]

[tool.ruff]
line-length = 100
"""


def _lockfile(*args: str) -> int:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "lockfile"), *args],
                          capture_output=True, text=True).returncode


def test_a_stamped_lock_is_fresh_until_the_dependencies_change(tmp_path: Path) -> None:
    pyproject, lock = tmp_path / "pyproject.toml", tmp_path / "requirements.lock"
    pyproject.write_text(PYPROJECT, encoding="utf-8")
    lock.write_text("prefect==3.8.8\npytest==8.4.0\n", encoding="utf-8")
    assert _lockfile("fresh", str(lock)) == 1  # never stamped
    assert _lockfile("stamp", str(lock)) == 0
    assert _lockfile("stamp", str(lock)) == 0  # stamping again keeps one stamp
    assert lock.read_text(encoding="utf-8").count("pyproject-dependencies-sha256") == 1
    assert "prefect==3.8.8" in lock.read_text(encoding="utf-8")
    assert _lockfile("fresh", str(lock)) == 0
    pyproject.write_text(PYPROJECT.replace("line-length = 100", "line-length = 99"),
                         encoding="utf-8")
    assert _lockfile("fresh", str(lock)) == 0  # not a dependency
    for changed in (PYPROJECT.replace('"pytest>=8"', '"pytest>=8", "scipy"'),
                    PYPROJECT.replace("prefect==3.8.8", "prefect==3.8.9"),
                    PYPROJECT.replace(">=3.11", ">=3.12")):
        pyproject.write_text(changed, encoding="utf-8")
        assert _lockfile("fresh", str(lock)) == 1, changed
