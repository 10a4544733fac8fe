"""Generate the key-figure table of the speed benchmarks (issue 5) as CSV, streaming.

    .venv/bin/python benchmarks/generate_keyfigures.py 1M /tmp/kf-1m.csv [--errors 0.001]

Sizes: a number or 10k, 100k, 1M, 10M.

Eight columns: date, month, 8-digit municipality key, department, service, channel (enum),
count >= 0, processing days. With --errors a share of rows gets a broken cell (type, enum,
minimum, required, duplicate key) so findings can be compared. Also writes <file>.schema.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path

SCHEMA = {
    "fields": [
        {"name": "datum", "type": "date", "constraints": {"required": True}},
        {"name": "monat", "type": "string", "constraints": {"pattern": "[0-9]{4}-[0-9]{2}"}},
        {"name": "ags", "type": "string", "constraints": {"required": True,
                                                         "pattern": "[0-9]{8}"}},
        {"name": "amt", "type": "string"},
        {"name": "leistung", "type": "string", "constraints": {"required": True}},
        {"name": "kanal", "type": "string", "constraints": {"enum": ["online", "Schalter",
                                                                    "Post"]}},
        {"name": "anzahl", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "bearbeitungstage", "type": "number", "constraints": {"minimum": 0}},
    ],
    "primaryKey": ["datum", "ags", "leistung", "kanal"],
}


def size(text: str) -> int:
    """'10k' → 10_000, '1M' → 1_000_000, '250' → 250."""
    factor = {"k": 1_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(text[:-1] if factor > 1 else text) * factor


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rows", type=size)
    parser.add_argument("path", type=Path)
    parser.add_argument("--errors", type=float, default=0.0)
    args = parser.parse_args()
    rng = random.Random(5)
    services = [f"Leistung {i:03d}" for i in range(120)]
    channels = ["online", "Schalter", "Post"]
    start = date(2000, 1, 1)
    with args.path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f["name"] for f in SCHEMA["fields"]])
        for number in range(args.rows):
            day = start + timedelta(days=number // (len(services) * len(channels) * 4))
            ags = f"0731{(number // (len(services) * len(channels))) % 4:04d}"
            row = [day.isoformat(), day.strftime("%Y-%m"), ags, f"Amt {number % 17}",
                   services[(number // len(channels)) % len(services)],
                   channels[number % len(channels)], str(rng.randint(0, 5000)),
                   f"{rng.uniform(0, 30):.1f}"]
            if args.errors and rng.random() < args.errors:
                column, value = rng.choice([(6, "viele"), (5, "Fax"), (6, "-3"), (4, ""),
                                            (0, "31.02.2020")])
                row[column] = value
            writer.writerow(row)
    args.path.with_suffix(".schema.json").write_text(json.dumps(SCHEMA, indent=2))


if __name__ == "__main__":
    main()
