"""The circuit breaker per portal: the first give-up opens it, later calls fail at once.
(Against the real CKAN behind the fault proxy: tests/integration/test_breaker.py.)"""

from __future__ import annotations

import socket
import time

import pytest

from flows.adapters.ckan import breaker
from flows.adapters.ckan.target import CkanTarget
from flows.errors import TargetDownError, TargetUnreachableError


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_after_one_give_up_the_portal_is_not_tried_again_in_the_run() -> None:
    url = _closed_port()
    target = CkanTarget(url, "tok-not-a-secret", retry_budget=0.3, retry_base=0.1)
    with pytest.raises(TargetUnreachableError) as first:
        target.current_hash("erster")
    assert not isinstance(first.value, TargetDownError) and breaker.is_open(url)
    other = CkanTarget(url, "tok-not-a-secret", retry_budget=30, retry_base=0.1)
    started = time.monotonic()
    with pytest.raises(TargetDownError) as later:
        other.current_hash("zweiter")
    assert time.monotonic() - started < 0.5  # no retry budget spent
    assert "nicht erneut versucht" in later.value.message
    assert "zuerst bei Datensatz 'erster'" in later.value.message
    assert later.value.code == "ckan-unreachable" and target.retries >= 1
    assert not breaker.is_open(_closed_port())  # another portal is not affected
    breaker.reset()
    assert not breaker.is_open(url)


def test_a_failure_that_is_not_unreachable_opens_nothing() -> None:
    url = _closed_port()
    target = CkanTarget(url, "tok", retry_budget=0.3, retry_base=0.1)
    with pytest.raises(ValueError):
        target._guarded(lambda: (_ for _ in ()).throw(ValueError("kaputt")), "d")
    assert not breaker.is_open(url)
