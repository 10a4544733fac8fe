"""The operations of an installation: who is told after a run, how long reports are kept, how
old a dataset's last publication may be.

Declared in `datapackages/catalog.yaml` under `operations:` (internal, never published; checked
against the meta-schema `operations.schema.json`) and, per dataset, under `notify:` in
dataset.yaml:

    operations:
      retention_days: 90                  # reports, held versions, caches (default 90)
      notify:
        stadt-musterstadt:                # a CKAN organisation (owner_org), or '*' for all
          email: [digitalisierung@musterstadt.example]
          webhook_env: KENNZAHLEN_CHAT_WEBHOOK
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from flows.errors import ConfigError
from flows.specs.loading import allowed_keys_hint, first_schema_error

DEFAULT_RETENTION_DAYS = 90
EVERY_ORGANISATION = "*"

FREQUENCY_DAYS = {
    "DAILY": 1, "CONT": 1, "UPDATE_CONT": 1, "WEEKLY": 7, "BIWEEKLY": 14, "MONTHLY": 31,
    "BIMONTHLY": 62, "QUARTERLY": 92, "ANNUAL_2": 183, "ANNUAL": 366, "BIENNIAL": 731,
    "TRIENNIAL": 1096,
}
"""Days between two publications that an EU frequency code promises; IRREG, NEVER and UNKNOWN
promise nothing and are not checked."""

GRACE_DAYS = 1
"""One missed night is not yet late."""


@dataclass(frozen=True)
class Recipients:
    """Who hears about one dataset: e-mail addresses and webhooks."""

    email: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = field(default=(), repr=False)
    """Webhook URLs (a URL may carry a token: never shown)."""

    def __add__(self, other: Recipients) -> Recipients:
        return Recipients(_unique(self.email + other.email),
                          _unique(self.webhooks + other.webhooks))

    def __bool__(self) -> bool:
        return bool(self.email or self.webhooks)


@dataclass(frozen=True)
class Operations:
    retention_days: int = DEFAULT_RETENTION_DAYS
    notify: dict[str, Recipients] = field(default_factory=dict)
    """Recipients per organisation (owner_org) and for every dataset ('*')."""

    def recipients(self, owner_org: str | None, declared: dict[str, Any] | None,
                   environ: dict[str, str] | None = None) -> Recipients:
        """The recipients of a dataset: its own `notify:`, its organisation's and everyone's."""
        found = recipients_from(declared or {}, environ)
        for key in (owner_org, EVERY_ORGANISATION):
            if key and key in self.notify:
                found = found + self.notify[key]
        return found


def recipients_from(declared: dict[str, Any], environ: dict[str, str] | None = None) -> Recipients:
    """Recipients from a `notify:` block; a `webhook_env` that is unset adds no webhook."""
    env = os.environ if environ is None else environ
    hooks = [str(declared["webhook"])] if declared.get("webhook") else []
    if declared.get("webhook_env") and env.get(str(declared["webhook_env"])):
        hooks.append(env[str(declared["webhook_env"])])
    return Recipients(tuple(str(e) for e in declared.get("email") or ()), tuple(hooks))


def load_operations(project: Path, environ: dict[str, str] | None = None) -> Operations:
    """`operations:` of `datapackages/catalog.yaml` (defaults when the file or key is missing).

    Raises:
        ConfigError: the block does not follow the meta-schema operations.schema.json.
    """
    path = project / "datapackages" / "catalog.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return Operations()
    block = data.get("operations") or {}
    first = first_schema_error(block, "operations")
    if first is not None:
        where = ".".join(str(p) for p in ["operations", *first.absolute_path])
        raise ConfigError(f"datapackages/catalog.yaml: Angabe '{where}' ist ungültig "
                          f"({first.message}). " + allowed_keys_hint("operations"))
    return Operations(
        retention_days=int(block.get("retention_days", DEFAULT_RETENTION_DAYS)),
        notify={org: recipients_from(decl, environ)
                for org, decl in (block.get("notify") or {}).items()})


def max_age_days(frequency: str | None) -> int | None:
    """How many days the last publication may be old under `frequency`; None: not checked."""
    days = FREQUENCY_DAYS.get(str(frequency or "").upper())
    return None if days is None else days + GRACE_DAYS


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
