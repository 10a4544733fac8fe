"""Locks held by a Prefect server and the choice of fan-out (flows/distributed.py), against the
session's Prefect test server; the work pool itself: tests/integration/test_work_pool.py."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from flows import distributed
from flows.errors import ConfigError
from flows.run.locks import LockTimeoutError


def test_with_a_server_a_dataset_lock_is_a_global_limit_of_one(
        prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert distributed.server_configured()
    lock = distributed.dataset_locks(tmp_path)
    order: list[str] = []

    def second() -> None:
        with lock("lock-test"):
            order.append("second")

    with lock("lock-test"):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(1.5)
        order.append("first")
    thread.join(timeout=60)
    assert order == ["first", "second"]
    assert not (tmp_path / "locks").exists()  # no file lock beside it

    monkeypatch.setenv("KENNZAHLEN_LOCK_WAIT", "1")
    with lock("lock-test"), pytest.raises(LockTimeoutError, match="anderer Lauf.*lock-test"):
        with lock("lock-test"):
            pass


def test_portal_writes_share_a_limit_per_target(
        prefect_harness: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENNZAHLEN_PORTAL_WRITES", "2")
    monkeypatch.setenv("KENNZAHLEN_LOCK_WAIT", "1")
    label = "ckan:http://portal.test/x"
    with distributed.portal_writes(label, "a"), distributed.portal_writes(label, "b"):
        with pytest.raises(LockTimeoutError, match="Schreibvorgänge"):
            with distributed.portal_writes(label, "c"):
                pass
    assert distributed.limit_name("portal", label) == "kennzahlen-portal-ckan:http:-portal.test-x"


def test_without_a_server_the_file_lock_stays(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # even after the harness
        assert not distributed.server_configured()
        with distributed.dataset_locks(tmp_path)("d"):
            assert (tmp_path / "locks" / "d.lock").is_file()
        with distributed.portal_writes("local:/x", "d"):
            pass
        with pytest.raises(ConfigError, match="PREFECT_API_URL"):
            distributed.fan_out_chosen(True)
        assert distributed.fan_out_chosen(None) is False


def test_fan_out_is_chosen_by_parameter_or_environment(
        prefect_harness: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENNZAHLEN_FANOUT", "deployment")
    assert distributed.fan_out_chosen(None) is True
    assert distributed.fan_out_chosen(False) is False
    monkeypatch.setenv("KENNZAHLEN_FANOUT", "threads")
    with pytest.raises(ConfigError, match="KENNZAHLEN_FANOUT"):
        distributed.fan_out_chosen(None)
    monkeypatch.setenv("KENNZAHLEN_FANOUT", "")
    monkeypatch.setenv("KENNZAHLEN_LEASE_SECONDS", "5")
    with pytest.raises(ConfigError, match="KENNZAHLEN_LEASE_SECONDS.*ab 60"):
        with distributed.dataset_locks(Path("."))("d"):
            pass
