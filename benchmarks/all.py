"""The speed figures of issue 19 in one run, each beside the previous version's.

    .venv/bin/python benchmarks/all.py                 # everything (10M rows: about 10 minutes)
    .venv/bin/python benchmarks/all.py --skip-10m      # without the 10M-row figures
    .venv/bin/python benchmarks/all.py --previous main --data /tmp/kennzahlen-bench

"Previous" is another commit (default: where this branch left main, `git merge-base HEAD
main`), checked out as a detached git worktree in the data folder and run with the same Python
(`PYTHONPATH` points at it); on main itself, or once the branch is merged, name the commit to
compare with (`--previous ff66e1a`: before issue 19); `--previous none` measures only this
checkout. Every figure is one
child process (`python -m flows.cli …`) under GNU time (`/usr/bin/time`, Debian's `time`), so
start-up and imports count; wall time and peak RSS are its own. The generated files
(benchmarks/generate_keyfigures.py) are kept in the data folder for the next run.

Figures:
- publish 1M: `kennzahlen publish` of a 1M-row CSV to a local catalog, first publication (the
  caches are empty), against `frictionless validate` of the same file (the goal: 5× faster);
- validator 1M: the columnar validator alone against frictionless (goal ≥ 50×, same findings
  is checked by benchmarks/validate_speed.py); the median of three child processes, as a
  third of a second is shaken more by the scheduler than frictionless's twenty;
- publish 10M: wall time and peak RSS (goal under 60 s and 1 GB);
- unchanged 1M: the same source published again (goal under 1 s);
- no change, 50 datasets: 50 copies of an example published, then published again: wall time
  of the second run and the files it wrote into the catalog (goal under 5 s and 0 writes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from nochange_nightly import build_project as build_many  # noqa: E402
from publish_memory import NAME  # noqa: E402
from publish_memory import build_project as build_large  # noqa: E402

OURS = r"""
import json, sys
from pathlib import Path
from flows.validation import columnar
path = Path(sys.argv[1])
outcome = columnar.validate_csv(path, json.loads(path.with_suffix(".schema.json").read_text()))
print(len(outcome.findings))
"""


def timed(command: list[str], env: dict[str, str] | None = None,
          cwd: Path | None = None, ok: tuple[int, ...] = (0, 1)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process (exit codes other than `ok` stop
    the benchmark: a publication that ends invalid measures nothing)."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True,
                          text=True, env=env, cwd=cwd)
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:4])} … failed ({done.returncode}):\n"
                         f"{done.stdout[-1500:]}\n{done.stderr[-1500:]}")
    return seconds, int(done.stderr.strip().splitlines()[-1]) / 1024


class Version:
    """One checkout of kennzahlen, run with this Python."""

    def __init__(self, label: str, root: Path) -> None:
        self.label, self.root = label, root
        # bytecode, as `make setup` compiles it (PYTHONDONTWRITEBYTECODE may keep Python from
        # writing it), so neither version pays for compiling its modules in every process
        subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0",
                        str(root / "flows")], check=True)

    def env(self, project: Path, **extra: str) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.root), "KENNZAHLEN_PROJECT": str(project),
                "KENNZAHLEN_OUT": str(project / "out"), **extra}

    def publish(self, project: Path, catalog: Path, names: list[str] | None = None,
                **extra: str) -> tuple[float, float]:
        return timed([sys.executable, "-m", "flows.cli", "publish", *(names or []),
                      "--target", f"local:{catalog}"], self.env(project, **extra), self.root,
                     ok=(0,))

    def validator(self, csv: Path, repeat: int = 3) -> float:
        """The median of `repeat` child processes: a run of a third of a second is shaken
        more by the scheduler than frictionless's twenty seconds."""
        return statistics.median(
            timed([sys.executable, "-c", OURS, str(csv)], self.env(csv.parent), self.root)[0]
            for _ in range(repeat))


def files_of(folder: Path) -> dict[str, tuple[int, int, int]]:
    return {str(p): (p.stat().st_mtime_ns, p.stat().st_size, p.stat().st_ino)
            for p in folder.rglob("*")}


def data_file(data: Path, rows: str) -> Path:
    path = data / f"kf-{rows.lower()}.csv"
    if not path.is_file() or not path.with_suffix(".schema.json").is_file():
        print(f"generating {path} …", flush=True)
        subprocess.run([sys.executable, str(HERE / "generate_keyfigures.py"), rows, str(path)],
                       check=True)
    return path


def large(version: Version, csv: Path, work: Path, again: bool) -> list[tuple[float, float]]:
    """The first publication (the caches are empty) and, with `again`, the unchanged source
    once more."""
    project = work / f"{version.label}-{csv.stem}"
    build_large(csv, project)
    return [version.publish(project, project / "catalog", [NAME]) for _ in range(1 + again)]


def many(version: Version, work: Path, count: int) -> tuple[float, int]:
    project = work / f"{version.label}-many"
    names = build_many(project, "fallzahlen-verwaltungsleistungen", count)
    catalog = project / "catalog"
    version.publish(project, catalog, names)
    before = files_of(catalog)
    seconds, _ = version.publish(project, catalog, names)
    after = files_of(catalog)
    writes = sum(before.get(path) != stat for path, stat in after.items()) + len(
        set(before) - set(after))
    return seconds, writes


def previous_checkout(ref: str, data: Path) -> Path | None:
    if ref == "none":
        return None
    commit = subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", ref] if ref == "main"
                            else ["git", "-C", str(ROOT), "rev-parse", ref],
                            capture_output=True, text=True, check=True).stdout.strip()
    folder = data / f"previous-{commit[:10]}"
    if not folder.is_dir():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder),
                        commit], check=True, capture_output=True)
    return folder


def frictionless(csv: Path) -> float:
    seconds, _ = timed([str(Path(sys.executable).with_name("frictionless")), "validate",
                        "--schema", csv.with_suffix(".schema.json").name, csv.name],
                       cwd=csv.parent)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-10m", action="store_true", help="leave out the 10M-row figures")
    parser.add_argument("--previous", default="main",
                        help="commit to compare with (default: merge-base with main; none: no "
                             "comparison)")
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir())
                        / "kennzahlen-bench", help="where generated files are kept")
    parser.add_argument("--datasets", type=int, default=50)
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    versions = [Version("now", ROOT)]
    previous = previous_checkout(args.previous, args.data)
    if previous is not None:
        versions.insert(0, Version("previous", previous))
    one_m = data_file(args.data, "1M")
    ten_m = None if args.skip_10m else data_file(args.data, "10M")
    print("frictionless validate (1M) …", flush=True)
    theirs = frictionless(one_m)
    rows: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-", dir=args.data) as tmp:
        for version in versions:
            print(f"{version.label}: {version.root} …", flush=True)
            figures = rows.setdefault(version.label, {})
            validator = version.validator(one_m)
            figures["validator"] = f"{validator:.2f} s = {theirs / validator:.1f}x"
            (publish, _), (unchanged, _) = large(version, one_m, Path(tmp), again=True)
            figures["publish"] = f"{publish:.1f} s = {theirs / publish:.1f}x"
            figures["unchanged"] = f"{unchanged:.2f} s"
            if ten_m is not None:
                ((seconds, peak),) = large(version, ten_m, Path(tmp), again=False)
                figures["10m"] = f"{seconds:.0f} s, {peak:.0f} MB"
            seconds, writes = many(version, Path(tmp), args.datasets)
            figures["many"] = f"{seconds:.1f} s, {writes} writes"
    labels = {
        "validator": ("validator alone, 1M rows (vs frictionless)", "≥ 50x"),
        "publish": ("publish 1M rows, local (vs frictionless)", "≥ 5x"),
        "10m": ("publish 10M rows: wall, peak RSS", "< 60 s, < 1 GB"),
        "unchanged": ("unchanged 1M-row source again", "< 1 s"),
        "many": (f"no change, {args.datasets} datasets", "< 5 s, 0 writes"),
    }
    print(f"\nfrictionless validate, 1M rows: {theirs:.1f} s  ({one_m})")
    header = f"{'figure':44}" + "".join(f"{v.label:>22}" for v in versions) + f"{'goal':>18}"
    print(header)
    for key, (label, goal) in labels.items():
        if key in rows["now"]:
            print(f"{label:44}" + "".join(f"{rows[v.label][key]:>22}" for v in versions)
                  + f"{goal:>18}")


if __name__ == "__main__":
    main()
