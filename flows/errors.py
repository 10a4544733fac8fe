"""One small exception hierarchy, split by retryability.

Bad data never raises (it becomes `Problem` records). Exceptions are for configuration and
infrastructure: `TransientError` may succeed when tried again (timeouts, HTTP 5xx/429),
`TerminalError` will not (HTTP 4xx, missing token, broken descriptor). Adapters translate client
errors into these types at the boundary, so callers never match error strings.
"""

from __future__ import annotations

from typing import Any


class PipelineError(Exception):
    """Root of kennzahlen's errors. The message is German and safe to show (no secrets)."""

    code = "publish-failed"

    def __init__(self, message: str, *, dataset: str | None = None, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.dataset = dataset
        self.context = context


class TransientError(PipelineError):
    """May succeed when tried again: timeouts, connection errors, HTTP 429 and 5xx."""


class TerminalError(PipelineError):
    """Will fail again the same way until someone changes something."""


class ConfigError(TerminalError):
    """A descriptor, dataset.yaml, schema, command-line option or environment variable is wrong."""

    code = "config-error"


class UnknownDatasetError(ConfigError):
    """A dataset name that no folder in datapackages/ declares."""


class PublishRejectedError(TerminalError):
    """The target refused the data or metadata (HTTP 4xx other than auth)."""

    code = "ckan-rejected"


class NotAuthorizedError(TerminalError):
    """The token is missing, wrong or lacks the rights for the action."""

    code = "ckan-not-authorized"


class NameConflictError(TerminalError):
    """The dataset slug is taken by a dataset this account may not edit."""

    code = "ckan-name-conflict"


class TargetUnreachableError(TransientError):
    """The portal did not answer (connection refused, timeout, HTTP 5xx)."""

    code = "ckan-unreachable"


class TargetDownError(TerminalError):
    """The portal was given up on earlier in this run (circuit breaker open): nothing was tried
    now, and trying again in this run would only wait for the same failure."""

    code = "ckan-unreachable"
