"""Credentials handed down to sources and targets: environment variables and Prefect Secret
blocks, each read at most once per run.

Nothing below the flow layer imports Prefect: the flow layer (flows/tasks.py) gives `Secrets` the
function that loads a Secret block. Values are never part of a repr, a message or an exception.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from flows.errors import ConfigError

BlockLoader = Callable[[str], str]
"""Loads the value of a named Prefect Secret block; raises on a missing or unreadable block."""


class Secrets:
    """Environment variables and Secret blocks that hold credentials, read once and remembered.

    Args:
        environ: where variables come from (default: the process environment, read now).
        load_block: loads a Prefect Secret block; None where no Prefect is at hand (then a
            source or target that names a block gets a clear configuration error).
    """

    def __init__(self, environ: Mapping[str, str] | None = None,
                 load_block: BlockLoader | None = None) -> None:
        self._environ = dict(os.environ if environ is None else environ)
        self._load_block = load_block
        self._blocks: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Secrets(blocks={sorted(self._blocks)})"

    def env(self, name: str | None) -> str:
        """The variable's value, '' if unset (or no name given)."""
        return self._environ.get(name or "", "")

    def block(self, name: str, setting: str = "password_block") -> str:
        """The value of the Prefect Secret block `name` (declared under `setting`).

        Raises:
            ConfigError: no block loader here, or the block does not exist or cannot be read.
        """
        if name in self._blocks:
            return self._blocks[name]
        if self._load_block is None:
            raise ConfigError(
                f"Das Prefect-Secret '{name}' ({setting}) kann hier nicht geladen werden: "
                "kennzahlen über die Kommandozeile oder Prefect starten oder die "
                "Umgebungsvariable setzen.")
        try:
            value = self._load_block(name)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ConfigError(
                f"Das Prefect-Secret '{name}' ({setting}) konnte nicht geladen werden "
                f"({type(exc).__name__}). Block anlegen oder die Umgebungsvariable setzen."
            ) from None
        self._blocks[name] = value
        return value

    def values(self) -> list[str]:
        """Every secret value handed out so far (for redaction of messages)."""
        return [v for v in self._blocks.values() if v]


def redact(text: str, secrets: list[str]) -> str:
    """Remove every secret from `text` (last line of defence for messages and reports)."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, "***")
    return text
