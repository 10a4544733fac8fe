"""Retry policy of the CKAN target: transient failures are tried again within a time budget.

A `TransientError` (timeout, connection refused, HTTP 429/5xx, a download that does not match)
is retried with exponential backoff plus jitter, or after the server's Retry-After, until the
next wait would overrun the budget (`CKAN_RETRY_BUDGET`, per publish or read). Any other error
(`TerminalError` and everything else) is raised at once. Clock, sleep and jitter are injectable,
so the policy is tested without sleeping.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from flows.errors import TransientError

T = TypeVar("T")


class RetryPolicy:
    """Retries transient failures within `budget` seconds and counts the retries it made.

    Args:
        budget: Seconds one operation may spend retrying before its last failure is raised.
        base: First backoff in seconds; it doubles with every retry, and up to half of it is
            added as jitter (also to a server's Retry-After).
        clock: Monotonic clock in seconds (default `time.monotonic`).
        sleep: Waits the given seconds (default `time.sleep`).
        jitter: `jitter(low, high)` gives a random number in that range (default
            `random.uniform`).
    """

    def __init__(self, budget: float, base: float = 1.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], object] = time.sleep,
                 jitter: Callable[[float, float], float] = random.uniform) -> None:
        self.budget = budget
        self.base = base
        self.retries = 0
        """Retries made over the policy's life, by all operations (for reports)."""
        self._clock = clock
        self._sleep = sleep
        self._jitter = jitter

    def __repr__(self) -> str:
        return f"RetryPolicy(budget={self.budget!r}, base={self.base!r})"

    def wait(self, exc: TransientError, attempts: int) -> float:
        """Seconds to wait before the next try, after `attempts` retries so far.

        Args:
            exc: The failure; its `retry_after` context (from HTTP Retry-After) wins over the
                backoff.
            attempts: Retries made so far by this operation.

        Returns:
            Retry-After or `base * 2 ** attempts`, plus up to `base / 2` jitter.
        """
        wait = exc.context.get("retry_after") or self.base * 2 ** attempts
        return wait + self._jitter(0, self.base / 2)

    def run(self, attempt: Callable[[], T]) -> T:
        """Call `attempt` until it succeeds, retrying transient failures within the budget.

        Args:
            attempt: The whole operation; it is called again from the start on each retry.

        Returns:
            What `attempt` returns.

        Raises:
            TransientError: the last transient failure once the next wait would overrun the
                budget; after retries its message says how many were made.
            Exception: anything else `attempt` raises, at once and unchanged.
        """
        deadline = self._clock() + self.budget
        attempts = 0
        while True:
            try:
                return attempt()
            except TransientError as exc:
                wait = self.wait(exc, attempts)
                if self._clock() + wait > deadline:
                    if attempts:
                        exc.message += f" (aufgegeben nach {attempts} Wiederholungen)"
                    raise
                attempts += 1
                self.retries += 1
                self._sleep(wait)
