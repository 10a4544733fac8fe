"""A combined (harmonised) table for tests of the comparison page, made from the example's
case-count dataset: its rows once per member, with the AGS as the first column and each member's
counts scaled (small counts suppressed again as protect.small_counts would), until the pipeline
builds combined datasets itself."""

from __future__ import annotations

import csv
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from flows.model.bundle import Bundle, file_sha256
from flows.run import sequence
from tests.helpers import MONTHLY

K = 3
"""protect.small_counts.k of the example: counts from 1 to K-1 are suppressed."""


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    ags: str


MEMBERS = (Member("musterstadt", "Stadt Musterstadt", "07318000"),
           Member("beispielburg", "Stadt Beispielburg", "07319000"),
           Member("weiterdorf", "Gemeinde Weiterdorf", "06432024"))
SCALE = {"musterstadt": 1.0, "beispielburg": 1.25, "weiterdorf": 0.65}


def _scaled(cell: str, factor: float) -> str:
    if not cell.isdigit():
        return cell  # "." stays suppressed, "" stays empty
    value = round(int(cell) * factor)
    return "." if 0 < value < K else str(value)


def combined_bundle(project: Path, workdir: Path) -> Bundle:
    """The example's monthly case counts as a combined table of `MEMBERS` (see module doc)."""
    prepared = sequence.prepare(project, MONTHLY, workdir)
    assert prepared.bundle is not None
    bundle = prepared.bundle
    item = next(f for f in bundle.files if f.path.suffix == ".csv")
    with item.path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    at = header.index("anzahl")
    with item.path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ags", *header])
        for member in MEMBERS:
            for row in body:
                writer.writerow([member.ags, *row[:at], _scaled(row[at], SCALE[member.id]),
                                 *row[at + 1:]])
    resources = []
    for resource in bundle.descriptor["resources"]:
        schema = dict(resource["schema"])
        schema["fields"] = [{"name": "ags", "title": "Gemeindeschlüssel (AGS)",
                             "type": "string"}, *schema["fields"]]
        schema["primaryKey"] = ["ags", *schema["primaryKey"]]
        resources.append({**resource, "schema": schema})
    descriptor = {**bundle.descriptor, "resources": resources}
    files = tuple(dataclasses.replace(f, sha256=file_sha256(f.path), bytes=f.path.stat().st_size)
                  if f is item else f for f in bundle.files)
    return dataclasses.replace(bundle, descriptor=descriptor, files=files,
                               content_hash=bundle.content_hash + "-combined")
