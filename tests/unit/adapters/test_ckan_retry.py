"""The CKAN retry policy on its own, with a fake clock: sleeping only advances the clock."""

from __future__ import annotations

import socket
from collections.abc import Callable

import pytest

from flows.adapters.ckan.retry import RetryPolicy
from flows.adapters.ckan.target import CkanTarget
from flows.errors import (
    NotAuthorizedError,
    PublishRejectedError,
    TargetUnreachableError,
    TransientError,
)


class _Clock:
    """Monotonic time that moves only when the policy sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _policy(clock: _Clock, budget: float, base: float = 1.0,
            jitter: Callable[[float, float], float] = lambda low, high: 0.0) -> RetryPolicy:
    return RetryPolicy(budget, base, clock=clock, sleep=clock.sleep, jitter=jitter)


def _failing(times: int, error: Callable[[], Exception], result: str = "ok"
             ) -> Callable[[], str]:
    calls = {"n": 0}

    def attempt() -> str:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error()
        return result

    attempt.calls = calls  # type: ignore[attr-defined]
    return attempt


def _unreachable(**context: float) -> TargetUnreachableError:
    return TargetUnreachableError("Das Portal antwortete mit HTTP 503.", **context)


def test_success_needs_no_retry() -> None:
    clock = _Clock()
    policy = _policy(clock, budget=10)
    assert policy.run(lambda: 42) == 42
    assert policy.retries == 0 and clock.sleeps == []


def test_transient_failures_back_off_exponentially_and_are_counted() -> None:
    clock = _Clock()
    policy = _policy(clock, budget=60, base=0.5)
    assert policy.run(_failing(3, _unreachable)) == "ok"
    assert clock.sleeps == [0.5, 1.0, 2.0]
    assert policy.retries == 3
    policy.run(_failing(1, _unreachable))  # counted over the policy's life
    assert policy.retries == 4


def test_jitter_is_added_within_half_the_base() -> None:
    clock = _Clock()
    ranges: list[tuple[float, float]] = []

    def jitter(low: float, high: float) -> float:
        ranges.append((low, high))
        return high

    policy = _policy(clock, budget=60, base=2.0, jitter=jitter)
    policy.run(_failing(2, _unreachable))
    assert ranges == [(0, 1.0), (0, 1.0)] and clock.sleeps == [3.0, 5.0]


def test_budget_exhaustion_raises_the_last_failure_and_says_how_often() -> None:
    clock = _Clock()
    policy = _policy(clock, budget=7, base=1.0)
    attempt = _failing(100, _unreachable)
    with pytest.raises(TargetUnreachableError) as caught:
        policy.run(attempt)
    # waits 1, 2, 4 fit into 7 s; the next (8) would overrun the budget
    assert clock.sleeps == [1.0, 2.0, 4.0] and attempt.calls["n"] == 4
    assert policy.retries == 3
    assert caught.value.message.endswith("(aufgegeben nach 3 Wiederholungen)")


def test_no_budget_means_one_try_and_an_unchanged_message() -> None:
    clock = _Clock()
    policy = _policy(clock, budget=0)
    with pytest.raises(TransientError) as caught:
        policy.run(_failing(1, _unreachable))
    assert clock.sleeps == [] and policy.retries == 0
    assert caught.value.message == "Das Portal antwortete mit HTTP 503."


def test_each_run_has_a_budget_of_its_own() -> None:
    clock = _Clock()
    policy = _policy(clock, budget=3, base=1.0)
    policy.run(_failing(2, _unreachable))  # sleeps 1 + 2 = the whole budget
    assert policy.run(_failing(2, _unreachable)) == "ok"
    assert clock.sleeps == [1.0, 2.0, 1.0, 2.0]


def test_retry_after_is_honoured_instead_of_the_backoff() -> None:
    clock = _Clock()
    policy = _policy(clock, budget=60, base=1.0)
    assert policy.run(_failing(2, lambda: _unreachable(retry_after=7.0))) == "ok"
    assert clock.sleeps == [7.0, 7.0]


def test_retry_after_beyond_the_budget_is_not_waited_for() -> None:
    clock = _Clock()
    policy = _policy(clock, budget=30, base=1.0)
    with pytest.raises(TargetUnreachableError):
        policy.run(_failing(1, lambda: _unreachable(retry_after=120.0)))
    assert clock.sleeps == [] and policy.retries == 0


@pytest.mark.parametrize("error", [
    lambda: NotAuthorizedError("Das Portal verweigert 'package_patch' (HTTP 403)."),
    lambda: PublishRejectedError("Das Portal hat 'package_patch' abgelehnt.", fields=["tags"]),
    lambda: ValueError("kein PipelineError"),
])
def test_terminal_and_other_errors_are_not_retried(error: Callable[[], Exception]) -> None:
    clock = _Clock()
    policy = _policy(clock, budget=60)
    attempt = _failing(1, error)
    with pytest.raises(type(error())):
        policy.run(attempt)
    assert attempt.calls["n"] == 1 and clock.sleeps == [] and policy.retries == 0


def test_the_target_counts_its_retries_through_the_policy() -> None:
    target = CkanTarget("http://portal.invalid", "token-xyz", retry_budget=5, retry_base=0.25)
    assert (target.retry_budget, target.retry_base, target.retries) == (5, 0.25, 0)
    assert "token-xyz" not in repr(target) and "token-xyz" not in repr(target._retry)


def test_the_target_retries_reads_with_its_policy() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    target = CkanTarget(f"http://127.0.0.1:{port}", "token-xyz", retry_budget=3)
    clock = _Clock()
    target._retry = _policy(clock, budget=3, base=1.0)
    with pytest.raises(TargetUnreachableError) as caught:
        target.current_hash("x")
    assert target.retries == 2 and clock.sleeps == [1.0, 2.0]
    assert "token-xyz" not in caught.value.message + repr(caught.value.context)
