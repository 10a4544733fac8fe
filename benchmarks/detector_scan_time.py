"""Scan time of the personal-data detectors against cell length: it must grow linearly.

    .venv/bin/python benchmarks/detector_scan_time.py

For each kind of hostile long cell (one letter repeated, many "@", dotted words that look like
the start of an e-mail address, digits, capitalised words, an address-like run …) the time of
`detectors.scan` at 10k, 40k and 160k characters. Linear time means the time per 10k characters
stays about the same as the cell grows (the e-mail pattern used to take 0.3 s at 10k and 3.1 s at
40k: quadratic).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.protection import detectors  # noqa: E402

CELLS = {
    "letters": lambda n: "a" * n,
    "at signs": lambda n: "a@" * (n // 2),
    "e-mail starts": lambda n: "a.b-c_" * (n // 6),
    "dotted domain": lambda n: "x@" + "ab." * (n // 3),
    "digits": lambda n: "1" * n,
    "digit groups": lambda n: "12 " * (n // 3),
    "capitalised words": lambda n: "Max " * (n // 4),
    "street-like": lambda n: "A." * (n // 2),
    "question marks": lambda n: "M?" * (n // 2),
    "IBAN-like": lambda n: "DE00 " + "1234 " * (n // 5),
}
LENGTHS = (10_000, 40_000, 160_000)


def timed(text: str) -> float:
    started = time.perf_counter()
    detectors.scan(text)
    return time.perf_counter() - started


if __name__ == "__main__":
    detectors.scan("warm-up Max Mustermann a@b.de DE00 1203 0000 0000 2020 51 0176 12345678")
    print(f"{'cell':<20}" + "".join(f"{n:>10,} ch" for n in LENGTHS) + "   s per 10k ch (growth)")
    for name, make in CELLS.items():
        seconds = [timed(make(n)) for n in LENGTHS]
        per = [s / (n / 10_000) for s, n in zip(seconds, LENGTHS, strict=True)]
        print(f"{name:<20}" + "".join(f"{s:>12.3f} s"[:13] for s in seconds)
              + f"   {per[0]:.4f} → {per[-1]:.4f} (×{per[-1] / per[0]:.1f})")
