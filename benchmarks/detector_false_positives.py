"""How often the personal-data detectors fire on data that holds none, and how much of the
seeded personal data of the careless-declaration fixture they find.

    .venv/bin/python benchmarks/detector_false_positives.py [../shared/reference]

False positives: every finding on these texts is one.
- every cell of every column of the shipped example datasets (datapackages/), run through the
  protect stage as it is (cell detectors by column type, birth dates by value, official keys);
- the names and descriptions of the Musterdatenkatalog (municipal data topics, German prose
  without personal data), from the shared reference folder (read at run time, never copied).

Recall: the seeded export tests/fixtures/projects/careless/source/faelle.csv declared with every
column renamed to a neutral name (`umbenannt`): per kind the share of seeded cells that protect
flags (the column's kind for the personal columns; each remark by the kind it was written with).
Prints counts, rates and time.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.protection import describing, detectors  # noqa: E402
from flows.specs import catalog  # noqa: E402
from flows.stages.aggregate import aggregate, canonical  # noqa: E402
from flows.stages.collect import collect  # noqa: E402
from flows.stages.protect import protect  # noqa: E402
from flows.stages.transform import transform  # noqa: E402

CARELESS = ROOT / "tests" / "fixtures" / "projects" / "careless"
SEEDED_COLUMNS = {"feld1": "name", "feld2": "email", "feld3": "birth-date", "feld4": "iban",
                  "feld5": "phone", "feld6": "address"}
REMARK_KINDS = (("Rückruf unter", "phone"), ("Mail an", "email"), ("Erstattung auf", "iban"),
                ("wohnt", "address"), ("*", "birth-date"), ("Geburtstag", "birth-date"),
                ("Frau", "name"), ("Antrag von", "name"), ("Rückfrage bei", "name"),
                (",", "name"))


def protected_tables(project: Path, names: list[str]) -> list[tuple[Any, Any, list[str]]]:
    """(table, protection, field types) for every resource of `names`, through the stages."""
    found = []
    for name in names:
        spec = catalog.load(project, name)
        for resource in spec.resources:
            raw = collect(resource, name, project)
            if resource.aggregate is not None:
                raw = aggregate(raw, resource, name, "")
                resource = canonical(resource)
            table = transform(raw, resource, name, "")
            types = {f["name"]: f.get("type", "string") for f in resource.schema["fields"]}
            found.append((table, protect(table, resource, name, ""),
                          [types[n] for n in table.fields]))
    return found


def examples() -> None:
    started = time.perf_counter()
    cells = flagged = described = 0
    kinds: Counter[str] = Counter()
    for table, protection, types in protected_tables(ROOT, catalog.dataset_names(ROOT)):
        cells += sum(1 for row in table.rows for cell in row if cell)
        described += sum(1 for row in table.rows for cell, kind in zip(row, types, strict=True)
                         if cell and not describing.is_safe(cell, kind))
        flagged += len(protection.masked)
        kinds.update(k for p in protection.problems if p.code == "personal-data"
                     for k in p.details.get("kinds", []))
        kinds.update(p.code for p in protection.problems if p.code != "personal-data"
                     and p.severity != "info" and p.code != "formula-neutralised")
    report("example datasets (all cells)", cells, flagged, time.perf_counter() - started, kinds)
    print(f"{'':<30} {described:>5} of them ({described / cells:.1%}) would be described, not "
          "quoted, if a message showed them (dates, long texts, digit runs)")


def catalogue(reference: Path) -> None:
    path = reference / "musterdatenkatalog" / "mdk-taxonomy-20230420.csv"
    if not path.is_file():
        print(f"Musterdatenkatalog: not found under {reference}")
        return
    with path.open(encoding="utf-8") as handle:
        cells = [v for row in csv.DictReader(handle) for v in row.values() if v]
    started = time.perf_counter()
    kinds: Counter[str] = Counter()
    flagged = 0
    for cell in cells:
        found = detectors.scan(cell)
        flagged += bool(found)
        kinds.update(f.kind for f in found)
    report("Musterdatenkatalog (texts)", len(cells), flagged, time.perf_counter() - started, kinds)


def report(label: str, cells: int, flagged: int, seconds: float, kinds: Counter[str]) -> None:
    rate = flagged / cells if cells else 0.0
    print(f"{label:<30} {cells:>7} cells {flagged:>5} flagged  false-positive rate {rate:7.3%}"
          f"  {seconds:6.2f} s  {dict(kinds) or ''}")


def recall() -> None:
    ((table, protection, _),) = protected_tables(CARELESS, ["umbenannt"])
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for row, number in zip(table.rows, table.row_numbers, strict=True):
        for index, name in enumerate(table.fields):
            kind = SEEDED_COLUMNS.get(name) or (_remark_kind(row[index]) if name == "feld7"
                                                else None)
            if kind:
                total[kind] += 1
                hits[kind] += (number, name) in protection.masked
    seeded = json.loads((CARELESS / "seeded.json").read_text(encoding="utf-8"))
    print(f"recall on the seeded export ({sum(len(v) for v in seeded.values())} seeded values, "
          "declaration 'umbenannt'):")
    for kind in sorted(total):
        print(f"  {detectors.KIND_DE[kind]:<28} {hits[kind]:>3}/{total[kind]:<3} "
              f"{hits[kind] / total[kind]:7.1%}")


def _remark_kind(text: str) -> str | None:
    if text in ("Unterlagen vollständig", "Nachforderung verschickt"):
        return None
    return next(kind for start, kind in REMARK_KINDS if start in text)


if __name__ == "__main__":
    reference = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "reference"
    examples()
    catalogue(reference)
    recall()
