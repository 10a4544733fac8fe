"""The broken-file corpus, each file in a process of its own: outcome, time and peak memory.

    .venv/bin/python benchmarks/broken_corpus.py [--markdown]

Writes the corpus (tests/fixtures/broken/make_fixtures.py) into a temporary folder and runs
`kennzahlen validate --format json kaputt` once per file, as tests/pipeline/test_broken_corpus.py
does in-process. Prints per file: the expected outcome from the manifest, what came out (exit
code and the codes of the problems), wall seconds and peak resident memory of the process. The
goal of issue 16: no file takes more than 30 s or 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures.broken.make_fixtures import build  # noqa: E402
from tests.pipeline.test_broken_corpus import MANIFEST, make_project  # noqa: E402

RUN = ("import resource, sys\nfrom flows import cli\n"
       "code = cli.main(sys.argv[1:])\n"
       "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
       "sys.exit(code)\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args()
    rows, worst = [], (0.0, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "files"
        build(corpus)
        for index, entry in enumerate(MANIFEST["files"]):
            project = make_project(Path(tmp) / f"p{index}", entry, corpus / entry["file"])
            env = {**os.environ, "KENNZAHLEN_OUT": str(Path(tmp) / f"out{index}"),
                   "PYTHONPATH": str(ROOT)}
            started = time.monotonic()
            done = subprocess.run([sys.executable, "-c", RUN, "--project", str(project),
                                   "validate", "--format", "json", "kaputt"],
                                  capture_output=True, text=True, env=env, timeout=120)
            seconds = time.monotonic() - started
            peak_mb = int(done.stderr.strip().splitlines()[-1]) / 1024
            codes = sorted({p["code"] for p in json.loads(done.stdout)["problems"]})
            expect = entry["expect"]
            wanted = f"exit {expect['exit']}" + (f", {expect['code']}" if "code" in expect else "")
            got = f"exit {done.returncode}" + (f", {', '.join(codes)}" if codes else "")
            rows.append((entry["file"], wanted, got, seconds, peak_mb))
            worst = (max(worst[0], seconds), max(worst[1], peak_mb))
    if args.markdown:
        print("| Datei | erwartet | erhalten | s | MB |")  # noqa: T201
        print("|---|---|---|---:|---:|")  # noqa: T201
    for file, wanted, got, seconds, peak in rows:
        if args.markdown:
            print(f"| {file} | {wanted} | {got} | {seconds:.1f} | {peak:.0f} |")  # noqa: T201
        else:
            print(f"{file:38} {wanted:32} {got:60} {seconds:5.1f} s {peak:5.0f} MB")  # noqa: T201
    print(f"{len(rows)} Dateien; längster Lauf {worst[0]:.1f} s, höchster Speicher "  # noqa: T201
          f"{worst[1]:.0f} MB")


if __name__ == "__main__":
    main()
