from __future__ import annotations

import json
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


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    (tmp_path / "d.lock").write_text(json.dumps(
        {"pid": int(dead), "host": socket.gethostname(), "since": time.time()}))
    with dataset_lock(tmp_path, "d", wait=0.5):
        pass


def test_a_very_old_lock_from_another_host_is_stale(tmp_path: Path) -> None:
    (tmp_path / "d.lock").write_text(json.dumps(
        {"pid": 1, "host": "anderer-server", "since": time.time() - 7 * 3600}))
    with dataset_lock(tmp_path, "d", wait=0.5):
        pass
