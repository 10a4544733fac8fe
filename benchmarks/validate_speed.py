"""Validation speed: kennzahlen's columnar validator versus `frictionless validate`, on the same
CSV file, in one run. Prints rows/s, wall time, peak RSS, findings, whether the findings are
identical (code, row, field, note) and the speed ratio.

    .venv/bin/python benchmarks/generate_keyfigures.py 1M /tmp/kf-1m.csv --errors 0.0005
    .venv/bin/python benchmarks/validate_speed.py /tmp/kf-1m.csv
    .venv/bin/python benchmarks/validate_speed.py /tmp/kf-10m.csv --skip-frictionless

Each side runs in its own process; wall time, CPU time (user + system, all threads) and peak
RSS come from GNU time (`/usr/bin/time`, Debian's `time` package), so start-up and imports count
on both sides. On a shared machine the CPU-time ratio is the steadier figure. Each side runs three
times (`--repeat`, `--repeat-frictionless`) and its median run is shown, as the machine is
shared and a one-second run is easily disturbed. Ours streams the file in
Arrow chunks (`flows.validation.columnar.validate_csv`, every column read as text).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = r"""
import json, sys
from pathlib import Path
from flows.validation import columnar
path = Path(sys.argv[1])
outcome = columnar.validate_csv(path, json.loads(path.with_suffix(".schema.json").read_text()))
print(json.dumps([[f.code, f.row, f.field, f.note] for f in outcome.findings]))
"""


def measure(command: list[str], cwd: Path | None = None) -> dict[str, float | str]:
    """Wall time, CPU time and peak RSS of one child process (GNU time's %U, %S; %M in KB)."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", *command], capture_output=True,
                          text=True, cwd=cwd)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed:\n{done.stderr[-2000:]}")
    peak, user, system = done.stderr.strip().splitlines()[-1].split()
    return {"seconds": seconds, "peak_mb": int(peak) / 1024, "cpu": float(user) + float(system),
            "stdout": done.stdout}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("csv", type=Path)
    parser.add_argument("--skip-frictionless", action="store_true",
                        help="only run ours (frictionless needs about 8 minutes for 10M rows)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of ours; the median run is shown")
    parser.add_argument("--repeat-frictionless", type=int, default=3,
                        help="runs of frictionless; the median run is shown (about 25 s each "
                             "for 1M rows)")
    args = parser.parse_args()
    path = args.csv.resolve()
    with path.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    python = sys.executable
    runs = sorted((measure([python, "-c", OURS, str(path)], cwd=ROOT)
                   for _ in range(max(args.repeat, 1))), key=lambda r: float(r["seconds"]))
    results = [(f"kennzahlen columnar ({len(runs)}x)"[:24], runs[len(runs) // 2])]
    ours = [tuple(f) for f in json.loads(str(results[0][1]["stdout"]))]
    theirs: list[tuple] = []
    if not args.skip_frictionless:
        # frictionless refuses absolute paths ("not safe"): run it in the file's folder
        command = [str(Path(python).with_name("frictionless")), "validate", "--json", "--schema",
                   path.with_suffix(".schema.json").name, path.name]
        theirs_runs = sorted((measure(command, cwd=path.parent)
                              for _ in range(max(args.repeat_frictionless, 1))),
                             key=lambda r: float(r["seconds"]))
        results.append((f"frictionless ({len(theirs_runs)}x)",
                        theirs_runs[len(theirs_runs) // 2]))
        report = json.loads(str(results[1][1]["stdout"]))
        theirs = [(e["type"], e.get("rowNumber"), e.get("fieldName"), e.get("note"))
                  for task in report["tasks"] for e in task["errors"]]
    print(f"{rows:,} rows, {path.stat().st_size / 2**20:,.0f} MB: {path.name}")
    print(f"{'':24}{'wall s':>9}{'cpu s':>8}{'rows/s':>13}{'peak RSS MB':>13}{'findings':>10}")
    for (label, result), count in zip(results, (len(ours), len(theirs)), strict=False):
        seconds = float(result["seconds"])
        print(f"{label:24}{seconds:9.2f}{float(result['cpu']):8.2f}{rows / seconds:13,.0f}"
              f"{float(result['peak_mb']):13.0f}{count:10d}")
    if not args.skip_frictionless:
        same = "yes" if ours == theirs else "NO"
        ratio = float(results[1][1]["seconds"]) / float(results[0][1]["seconds"])
        cpu = float(results[1][1]["cpu"]) / float(results[0][1]["cpu"])
        print(f"findings identical: {same}; speed ratio (frictionless / ours): {ratio:.1f}x "
              f"wall, {cpu:.1f}x CPU time")


if __name__ == "__main__":
    main()
