"""How long the suppression audit takes, and what it finds on the example datasets.

    .venv/bin/python benchmarks/suppression_audit.py [rows ...]

1. Every example dataset is prepared (no publishing) and its protection figures are printed:
   hidden cells and the narrowest interval the audit leaves for one of them.
2. Synthetic tables of counts (services × 12 months, each month with a total row, each service's
   year total published in a sibling figure) of the given numbers of services (default 5 20 50)
   are protected with k = 3: primary suppression, secondary suppression with the audit loop and
   the final audit. Prints cells, hidden cells, narrowest width, solver calls and seconds.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.protection import audit, suppression  # noqa: E402
from flows.run.prepare import prepare  # noqa: E402
from flows.specs import catalog  # noqa: E402


def examples() -> None:
    print("Beispieldatensätze (Ressource: gesperrt primär/sekundär, Prüfung: Zellen, engste "
          "Spanne)")
    for name in catalog.dataset_names(ROOT):
        result = prepare(ROOT, name, None).result
        for resource, figures in result.protection.items():
            if "audit_hidden_cells" not in figures:
                continue
            print(f"  {name}/{resource}: {figures['suppressed_primary']}/"
                  f"{figures['suppressed_secondary']}, Prüfung: {figures['audit_hidden_cells']} "
                  f"Zellen, engste Spanne {figures.get('audit_narrowest_width', '–')} "
                  f"({result.status}, {result.seconds:.1f} s)")


def synthetic(services: int, rng: random.Random) -> tuple[int, int, int | None, int, float]:
    months = 12
    values: list[int | None] = []
    groups: list[suppression.Group] = []
    for _ in range(services):
        row = [rng.choice([1, 2, 3, 5, 8, 13, 21, 40]) for _ in range(months)]
        start = len(values)
        values += row
        groups.append(suppression.Group(tuple(range(start, start + months))))  # year total
    for month in range(months):  # month totals as cells of the table
        values.append(sum(values[s * months + month] or 0 for s in range(services)))
        groups.append(suppression.Group(tuple(s * months + month for s in range(services)),
                                        len(values) - 1))
    sensitive = set(range(len(values)))
    hidden = suppression.primary(values, sensitive, 3)
    know = suppression.Knowledge(values, groups, 3, hidden, positive=sensitive)
    calls = [0]
    original = audit.milp

    def counted(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return original(*args, **kwargs)  # type: ignore[arg-type]

    audit.milp = counted  # type: ignore[assignment]
    started = time.monotonic()
    try:
        extra, result = suppression.secondary(know, hidden)
        narrowest = result.narrowest()
    except (suppression.SuppressionImpossibleError, suppression.AuditUndecidedError):
        extra, narrowest = set(), None
    finally:
        audit.milp = original
    return len(values), len(hidden | extra), narrowest, calls[0], time.monotonic() - started


def main() -> None:
    examples()
    sizes = [int(a) for a in sys.argv[1:]] or [5, 20, 50]
    rng = random.Random(15)
    print("Synthetische Tabellen (Leistungen × 12 Monate, Monats- und Jahressummen, k = 3)")
    for services in sizes:
        cells, hidden, narrowest, calls, seconds = synthetic(services, rng)
        print(f"  {services:4d} Leistungen: {cells:5d} Zellen, {hidden:4d} gesperrt, engste "
              f"Spanne {narrowest}, {calls:5d} Solver-Aufrufe, {seconds:6.1f} s")


if __name__ == "__main__":
    main()
