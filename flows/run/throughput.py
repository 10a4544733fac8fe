"""Progress of a long run: how far a large resource is (rows read, rows per second).

Whoever starts a run (the command line, the nightly flow) sets where progress goes with
`reporting(sink)`; the chunked stages of a large resource (flows/run/streaming.py) call
`rows_read` after every chunk. The sink gets at most one call per `every` seconds per resource,
and always the last one. The setting is a context variable, so each thread of a run that copies
its context reports to the same sink, and a run without a sink reports nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RowsRead:
    """How far one resource is."""

    dataset: str
    resource: str
    rows: int
    seconds: float
    finished: bool = False

    @property
    def per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def text(self) -> str:
        """One German line, e.g. `gross/fallzahlen: 400.000 Zeilen (210.000 Zeilen/s)`."""
        done = "fertig, " if self.finished else ""
        return (f"{self.dataset}/{self.resource}: {done}{_number(self.rows)} Zeilen "
                f"({_number(round(self.per_second))} Zeilen/s)")


Sink = Callable[[RowsRead], None]

_SINK: ContextVar[tuple[Sink, float] | None] = ContextVar("kennzahlen_progress", default=None)
_LAST: dict[tuple[str, str], float] = {}
_LOCK = threading.Lock()


@contextmanager
def reporting(sink: Sink, every: float = 2.0) -> Iterator[None]:
    """Send the progress of large resources to `sink` inside the block (at most every
    `every` seconds per resource)."""
    token = _SINK.set((sink, every))
    try:
        yield
    finally:
        _SINK.reset(token)


def rows_read(dataset: str, resource: str, rows: int, started: float,
              finished: bool = False) -> None:
    """Report `rows` rows of `resource` done since `started` (`time.monotonic()`)."""
    current = _SINK.get()
    if current is None:
        return
    sink, every = current
    now = time.monotonic()
    with _LOCK:
        key = (dataset, resource)
        if not finished and now - _LAST.get(key, 0.0) < every:
            return
        _LAST[key] = now
        if finished:
            _LAST.pop(key, None)
    sink(RowsRead(dataset, resource, rows, now - started, finished))


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")
