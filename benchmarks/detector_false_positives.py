"""How often the personal-data detectors fire on text that holds no personal data.

    .venv/bin/python benchmarks/detector_false_positives.py [../shared/reference]

Scans every text cell of the shipped example datasets and, when the shared reference folder is
there, the descriptions of the Musterdatenkatalog (municipal data topics, German prose without
personal data). Every finding on these texts is a false positive. Prints counts, rate and time.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.protection import detectors  # noqa: E402
from flows.specs import catalog  # noqa: E402
from flows.stages.collect import collect  # noqa: E402
from flows.stages.transform import transform  # noqa: E402


def example_cells() -> list[str]:
    cells = []
    for name in catalog.dataset_names(ROOT):
        spec = catalog.load(ROOT, name)
        for resource in spec.resources:
            raw = collect(resource, name, ROOT)
            table = transform(raw, resource, name, "")
            kinds = [f.get("type") for f in resource.schema["fields"]]
            cells += [c for row in table.rows for c, k in zip(row, kinds, strict=True)
                      if k == "string" and c]
    return cells


def catalogue_cells(reference: Path) -> list[str]:
    path = reference / "musterdatenkatalog" / "mdk-taxonomy-20230420.csv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return [v for row in csv.DictReader(handle)
                for v in (row["MUSTERDATENSATZ"], row["Beschreibung"]) if v]


def measure(label: str, cells: list[str]) -> None:
    started = time.perf_counter()
    hits = Counter()
    flagged = 0
    for cell in cells:
        found = detectors.scan(cell)
        flagged += bool(found)
        hits.update(f.kind for f in found)
    seconds = time.perf_counter() - started
    rate = flagged / len(cells) if cells else 0.0
    print(f"{label:<28} {len(cells):>7} cells {flagged:>5} flagged  rate {rate:7.3%}  "
          f"{seconds:6.2f} s  {dict(hits) or ''}")


if __name__ == "__main__":
    reference = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference"
    measure("example datasets (text)", example_cells())
    measure("Musterdatenkatalog", catalogue_cells(reference))
