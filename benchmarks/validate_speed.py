"""Validation speed: the pipeline's validate stage versus plain `frictionless validate`, on the
same file, in one run. Prints rows/s, wall time, peak RSS and the ratio.

    .venv/bin/python benchmarks/generate_keyfigures.py 100000 /tmp/kf.csv --errors 0.001
    .venv/bin/python benchmarks/validate_speed.py /tmp/kf.csv

Each side runs in its own process; peak RSS comes from GNU time (`/usr/bin/time`, Debian's
`time` package). Today the stage
validates through frictionless too, so the ratio is about 1; issue 5's vectorised validator is
meant to move it to >= 30.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

STAGE = r"""
import csv, json, sys, time
from pathlib import Path
from flows.catalog import ProtectSpec, ResourceSpec, SourceSpec
from flows.stages.transform import Table
from flows.stages.validate import validate
path = Path(sys.argv[1])
schema = json.loads(path.with_suffix(".schema.json").read_text())
with path.open(encoding="utf-8") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    rows = list(reader)
table = Table(header, rows, list(range(2, len(rows) + 2)))
res = ResourceSpec("r", path.name, "s", schema, SourceSpec(kind="csv", path=path), ProtectSpec())
result = validate(table, res, "bench", path.name)
print(json.dumps({"rows": len(rows), "problems": len(result.problems)}))
"""


def measure(command: list[str], cwd: Path | None = None) -> dict[str, float | str]:
    """Wall time and peak RSS of one child process (GNU time's %M, in KB)."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True,
                          text=True, cwd=cwd)
    seconds = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    return {"seconds": seconds, "peak_mb": peak, "stdout": done.stdout}


def main() -> None:
    path = Path(sys.argv[1])
    rows = sum(1 for _ in path.open(encoding="utf-8")) - 1
    python = sys.executable
    ours = measure([python, "-c", STAGE, str(path)])
    # frictionless refuses absolute paths ("not safe"): run it in the file's folder
    frictionless = measure([str(Path(python).with_name("frictionless")), "validate", "--json",
                            "--schema", path.with_suffix(".schema.json").name, path.name],
                           cwd=path.parent)
    found = json.loads(str(ours["stdout"]).strip().splitlines()[-1])["problems"]
    try:
        report = json.loads(str(frictionless["stdout"]))
        theirs = sum(len(task["errors"]) for task in report["tasks"])
    except (ValueError, KeyError):
        theirs = -1
    print(f"{'':22}{'wall s':>9}{'rows/s':>12}{'peak RSS MB':>14}{'findings':>10}")
    for label, result, count in (("kennzahlen validate", ours, found),
                                 ("frictionless validate", frictionless, theirs)):
        seconds = float(result["seconds"])
        print(f"{label:22}{seconds:9.2f}{rows / seconds:12,.0f}{float(result['peak_mb']):14.0f}"
              f"{count:10d}")
    print(f"ratio (frictionless / ours): {float(frictionless['seconds']) / float(ours['seconds']):.2f}"
          f" on {rows:,} rows")


if __name__ == "__main__":
    main()
