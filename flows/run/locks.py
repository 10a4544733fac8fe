"""Per-dataset locks, so two runs at the same time (a manual run during the nightly one) never
publish the same dataset at once. A lock left by a crashed run is detected and taken over: its
process no longer exists on this host, or it is older than `stale_after`.

These file locks serialise runs on one machine (or on one shared folder). With a Prefect server
the flow layer hands `sequence.run_dataset` a `DatasetLock` held by the server instead
(flows/distributed.py), so runs on several machines are serialised too."""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from flows.errors import TransientError


class LockTimeoutError(TransientError):
    """Another run still holds the dataset's lock."""

    code = "publish-failed"


DatasetLock = Callable[[str], AbstractContextManager[Any]]
"""Holds a dataset's lock while it is compared, approved and published (by dataset name).

Raises:
    LockTimeoutError: the lock was not got in time.
"""


def file_locks(directory: Path) -> DatasetLock:
    """`dataset_lock` in `directory`, as a `DatasetLock`."""
    return lambda name: dataset_lock(directory, name)


def alive(pid: int) -> bool:
    """Whether a process `pid` runs (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(path: Path, stale_after: float) -> bool:
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return time.time() - path.stat().st_mtime > 5  # half-written by a crashed run
    if time.time() - float(holder.get("since", 0)) > stale_after:
        return True
    return holder.get("host") == socket.gethostname() and not alive(int(holder.get("pid", 0)))


@contextmanager
def dataset_lock(directory: Path, name: str, *, wait: float = 600.0,
                 stale_after: float = 6 * 3600) -> Iterator[Path]:
    """Hold `<directory>/<name>.lock` while publishing `name`; wait up to `wait` seconds.

    Raises:
        LockTimeoutError: another live run kept the lock for longer than `wait`.
    """
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.lock"
    deadline = time.monotonic() + wait
    while True:
        try:
            handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            if _stale(path, stale_after):
                path.unlink(missing_ok=True)
                continue
            if time.monotonic() > deadline:
                raise LockTimeoutError(
                    f"Ein anderer Lauf veröffentlicht '{name}' gerade (Sperre {path}); "
                    "später erneut versuchen.", dataset=name) from None
            time.sleep(0.2)
    with os.fdopen(handle, "w") as out:
        json.dump({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}, out)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
