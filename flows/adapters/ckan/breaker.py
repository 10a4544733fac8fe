"""Circuit breaker per portal and run: once a dataset gives up on an unreachable portal, the
others do not spend the whole retry budget on it again.

Without it, a portal that is down all night costs every dataset the full `CKAN_RETRY_BUDGET`
twice (the comparison read, then the publish): hours for a catalogue of 60 datasets. The first
operation that gives up with `TargetUnreachableError` (no connection, timeout, or HTTP 429/5xx
for the whole budget) opens the breaker for that portal's URL; every later operation on it in
the same run fails at once with the same message (`TargetDownError`, not retried, so Prefect
does not wait to try again either). A transient blip that a retry overcomes never opens it.
The state is kept per process, keyed by URL, because under Prefect every task builds its own
target object; `reset` starts a new run with all breakers closed.
"""

from __future__ import annotations

import threading

from flows.errors import TargetDownError, TargetUnreachableError

_OPEN: dict[str, str] = {}
"""Portal URL → the message of the failure that opened its breaker."""
_LOCK = threading.Lock()


def check(url: str, dataset: str | None = None) -> None:
    """Raise `TargetDownError` if the breaker of `url` is open."""
    with _LOCK:
        message = _OPEN.get(url)
    if message is not None:
        raise TargetDownError(message, dataset=dataset, url=url)


def trip(url: str, exc: TargetUnreachableError) -> None:
    """Open the breaker of `url` after `exc` made an operation give up (the first one wins)."""
    first = f" zuerst bei Datensatz '{exc.dataset}'" if exc.dataset else ""
    with _LOCK:
        _OPEN.setdefault(url, f"{exc.message} Das Portal wird in diesem Lauf nicht erneut "
                              f"versucht (aufgegeben{first}); die vorherige Version bleibt "
                              "veröffentlicht.")


def is_open(url: str) -> bool:
    with _LOCK:
        return url in _OPEN


def reset() -> None:
    """Close every breaker (a new run starts)."""
    with _LOCK:
        _OPEN.clear()
