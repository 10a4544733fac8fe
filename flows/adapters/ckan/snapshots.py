"""Snapshot cache: the comparison's read of a dataset, kept for the publish step that follows.

Before publishing, the comparison reads the dataset from the portal (`package_show`); the publish
step (a separate Prefect task with a target object of its own) takes that read instead of reading
again, so an unchanged dataset costs one read. A snapshot is kept per portal, account and dataset,
taken at most once, used only while younger than `SNAPSHOT_SECONDS`, and every write to any
portal drops all snapshots. The account is a digest of the API token: what one account may see is
never handed to another, and the token itself is never part of a key.
"""

from __future__ import annotations

import copy
import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

Package = dict[str, Any]
Key = tuple[str, str, str]

SNAPSHOT_SECONDS = 30.0
"""A kept read older than this is not used (read again instead)."""
_SNAPSHOTS: dict[Key, tuple[float, Package | None]] = {}
"""(portal, account, dataset) → (when read, package): reads handed from the comparison to
publishing; the account is a digest of the token, so what one account may see is never handed
to another and the token itself is kept nowhere else."""
_SNAPSHOT_LOCK = threading.Lock()
_READ_ONLY = ("_show", "_list")
"""Action name endings that do not write."""


def account(token: str) -> str:
    """The account part of a snapshot key: a short digest of the API token, never the token.

    Args:
        token: The CKAN API token.

    Returns:
        16 hex digits of the token's sha256.
    """
    return hashlib.sha256(token.encode()).hexdigest()[:16]


def drop_all() -> None:
    """Forget every snapshot (of all portals and accounts)."""
    with _SNAPSHOT_LOCK:
        _SNAPSHOTS.clear()


def drop_on_write(action: str) -> None:
    """Drop every snapshot unless `action` only reads (`*_show`, `*_list`).

    Args:
        action: The CKAN action about to be called.
    """
    if not action.endswith(_READ_ONLY):
        drop_all()


def read(key: Key, fetch: Callable[[], Package | None], *, keep: bool,
         take: bool) -> tuple[Package | None, bool]:
    """The dataset from a fresh snapshot or from `fetch`, keeping the answer if asked.

    Args:
        key: (portal URL, `account(token)`, dataset name).
        fetch: Reads the dataset from the portal (None if it is not there).
        keep: Keep the answer as the snapshot for `key` (a copy of it).
        take: Use the snapshot for `key` if younger than `SNAPSHOT_SECONDS`, and remove it.

    Returns:
        The package (a copy the caller may change, or None) and whether it came from a
        snapshot.
    """
    kept = None
    if take:
        with _SNAPSHOT_LOCK:
            kept = _SNAPSHOTS.pop(key, None)
    fresh = kept is None or time.monotonic() - kept[0] >= SNAPSHOT_SECONDS
    if fresh:
        when, package = time.monotonic(), fetch()
    else:
        when, package = kept[0], copy.deepcopy(kept[1])
    if keep:
        with _SNAPSHOT_LOCK:
            _SNAPSHOTS[key] = (when, copy.deepcopy(package))
    return package, not fresh
