from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flows.run.locks import LockTimeoutError, dataset_lock


def test_a_second_run_waits_for_the_first(tmp_path: Path) -> None:
    order: list[str] = []

    def second() -> None:
        with dataset_lock(tmp_path, "d", wait=5):
            order.append("second")

    with dataset_lock(tmp_path, "d"):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        order.append("first")
    thread.join()
    assert order == ["first", "second"]
    assert not (tmp_path / "d.lock").exists()


def test_a_live_holder_makes_the_other_run_give_up_clearly(tmp_path: Path) -> None:
    with dataset_lock(tmp_path, "d"):
        with pytest.raises(LockTimeoutError, match="anderer Lauf"):
            with dataset_lock(tmp_path, "d", wait=0.3):
                pass


def _holder(lock: Path) -> dict:
    return json.loads(lock.read_text())


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    lock = tmp_path / "d.lock"
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        lock.write_text(json.dumps(
            {"pid": alive.pid, "host": socket.gethostname(), "since": time.time()}))
        with pytest.raises(LockTimeoutError):  # its process still runs: the lock holds
            with dataset_lock(tmp_path, "d", wait=0.3):
                pass
        assert _holder(lock)["pid"] == alive.pid
    finally:
        alive.kill()
        alive.wait()
    started = time.monotonic()
    with dataset_lock(tmp_path, "d", wait=5) as path:  # now it is dead: taken over at once
        waited = time.monotonic() - started
        holder = _holder(path)
    assert waited < 1
    assert (holder["pid"], holder["host"]) == (os.getpid(), socket.gethostname())
    assert not lock.exists()


def test_a_very_old_lock_from_another_host_is_stale(tmp_path: Path) -> None:
    lock = tmp_path / "d.lock"
    recent = json.dumps({"pid": 1, "host": "anderer-server", "since": time.time() - 60})
    lock.write_text(recent)
    with pytest.raises(LockTimeoutError):  # no pid to check on another host: only age counts
        with dataset_lock(tmp_path, "d", wait=0.3):
            pass
    assert lock.read_text() == recent
    lock.write_text(json.dumps(
        {"pid": 1, "host": "anderer-server", "since": time.time() - 7 * 3600}))
    started = time.monotonic()
    with dataset_lock(tmp_path, "d", wait=5) as path:
        waited = time.monotonic() - started
        holder = _holder(path)
    assert waited < 1
    assert (holder["pid"], holder["host"]) == (os.getpid(), socket.gethostname())
    assert not lock.exists()
