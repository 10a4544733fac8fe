"""The whole pipeline on one large resource: wall time and peak RSS of `kennzahlen publish`.

    .venv/bin/python benchmarks/generate_keyfigures.py 1M /tmp/kf-1m.csv
    .venv/bin/python benchmarks/publish_memory.py /tmp/kf-1m.csv

Builds a temporary project with one dataset (`kennzahlen-gross`) whose source is the generated
key-figure CSV and whose schema is the generator's, then runs `kennzahlen publish` to a local
catalog twice in its own process under GNU time (`/usr/bin/time`, Debian package `time`): the
first publication, and a second run with the same data (which compares with the published
version and writes nothing). The validation cache is off, so both runs validate. A file of
KENNZAHLEN_STREAM_BYTES or more (16 MiB) goes through the chunked path (flows/streaming.py),
which is what keeps the 10M-row run under 1 GB. Prints rows, wall time, rows/s, peak RSS and
the dataset's status per run.
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

from plain_catalog import copy_plain_catalog

ROOT = Path(__file__).resolve().parents[1]
NAME = "kennzahlen-gross"
DESCRIPTOR = {
    "name": NAME,
    "title": "Fallzahlen je Tag, Gemeinde und Kanal (Lastdaten)",
    "keywords": ["Fallzahlen", "Lastdaten"],
    "description": "Generierte Daten für die Messung von Laufzeit und Speicherbedarf.",
    "licenses": [{"name": "dl-by-de/2.0", "path": "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
                  "title": "Datenlizenz Deutschland – Namensnennung – Version 2.0"}],
    "contributors": [{"title": "Team Kennzahlen", "email": "kennzahlen@musterstadt.example",
                      "roles": ["maintainer"]}],
    "dcat": {"themes": ["GOVE"], "frequency": "DAILY", "issued": "2026-01-01",
             "temporal_field": "datum", "temporal_unit": "day"},
    "resources": [{"name": "fallzahlen", "path": "fallzahlen.csv", "title": "Fallzahlen",
                   "schema": NAME}],
}
INTERNAL = {
    "ckan": {"owner_org": "stadt-musterstadt", "organization_title": "Stadt Musterstadt"},
    "resources": {"fallzahlen": {"source": {"kind": "csv", "path": "source/fallzahlen.csv",
                                            "encoding": "utf-8", "delimiter": ","},
                                 # an 8-digit municipality key looks like a phone number,
                                 # a day of the figures like a date of birth
                                 "protect": {"exceptions": [{
                                     "field": "ags", "kinds": ["phone"],
                                     "reason":
                                         "Amtlicher Gemeindeschlüssel, keine Telefonnummer"}, {
                                     "field": "datum", "kinds": ["birth-date"],
                                     "reason": "Tag der Fallzahlen, kein Geburtsdatum"}]}}},
}


def build_project(csv_path: Path, root: Path) -> None:
    folder = root / "datapackages" / NAME
    (folder / "source").mkdir(parents=True)
    copy_plain_catalog(root / "datapackages")
    os.symlink(csv_path.resolve(), folder / "source" / "fallzahlen.csv")
    # JSON is YAML: the descriptors are written as JSON
    (folder / "datapackage.yaml").write_text(json.dumps(DESCRIPTOR, ensure_ascii=False))
    (folder / "dataset.yaml").write_text(json.dumps(INTERNAL))
    (root / "schemas").mkdir()
    schema = json.loads(csv_path.with_suffix(".schema.json").read_text())
    (root / "schemas" / f"{NAME}.schema.yaml").write_text(json.dumps(schema))


def run(root: Path, catalog: Path) -> dict[str, object]:
    env = {**os.environ, "KENNZAHLEN_PROJECT": str(root), "KENNZAHLEN_OUT": str(root / "out"),
           "KENNZAHLEN_VALIDATION_CACHE": "off"}
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", str(ROOT / ".venv/bin/kennzahlen"),
                           "publish", NAME, "--target", f"local:{catalog}"],
                          capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    status = next((line for line in done.stdout.splitlines() if NAME in line), done.stdout[-300:])
    return {"wall": wall, "rss_mb": int(done.stderr.strip().splitlines()[-1]) / 1024,
            "status": status.strip(), "exit": done.returncode}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path, help="made by benchmarks/generate_keyfigures.py")
    args = parser.parse_args()
    with args.csv.open("rb") as handle:
        rows = sum(1 for _ in handle) - 1
    with tempfile.TemporaryDirectory(prefix="kennzahlen-bench-") as tmp:
        root = Path(tmp) / "project"
        build_project(args.csv, root)
        print(f"{rows:,} rows, {args.csv.stat().st_size / 1e6:.0f} MB: {args.csv}")
        print(f"{'run':<22}{'wall':>10}{'rows/s':>12}{'peak RSS':>12}  status")
        for label in ("first publication", "same data again"):
            figures = run(root, Path(tmp) / "catalog")
            print(f"{label:<22}{figures['wall']:>9.1f}s{rows / figures['wall']:>12,.0f}"
                  f"{figures['rss_mb']:>9.0f} MB  {figures['status']} (exit {figures['exit']})")
    sys.exit(0)


if __name__ == "__main__":
    main()
