"""Settings read once per run from the environment; credentials through `Secrets` (environment or a
Prefect Secret block, whose loader the flow layer provides: nothing here imports Prefect).

- `KENNZAHLEN_PROJECT`: folder with `datapackages/` and `schemas/` (default: found from the
  working directory)
- `KENNZAHLEN_OUT`: output folder for catalog and reports (default `<project>/out`)
- `KENNZAHLEN_TARGETS`: default targets of `kennzahlen run`, comma-separated (default `local`)
- `CKAN_URL`: base URL of the CKAN portal
- `CKAN_API_TOKEN`: API token of the publishing account (secret)
- `CKAN_API_TOKEN_BLOCK`: name of a Prefect Secret block holding the token, if the variable is
  unset
- `CKAN_TIMEOUT`: seconds to wait for one CKAN call (default 60)
- `CKAN_RETRY_BUDGET`: seconds one dataset may spend retrying transient CKAN failures (120)
- `KENNZAHLEN_APPROVE_FIRST_PUBLICATION`: `1`: a dataset's first publication waits for approval
  (dataset.yaml `approval.first_publication` overrides; default off)
- `KENNZAHLEN_APPROVAL_WAIT`: `auto` (default): a deployment run pauses for a decision, other runs
  hold and go on; `pause`: always pause; `hold`: never pause
- `KENNZAHLEN_APPROVAL_TIMEOUT`: seconds a paused run waits for a decision before it holds the
  dataset and goes on (default 3600)
- `KENNZAHLEN_APPROVAL_POLL`: seconds between checks whether a paused run was resumed (10)
- `KENNZAHLEN_SMTP_HOST`, `_PORT` (587), `_FROM`, `_USER`, `_PASSWORD` (secret) or
  `_PASSWORD_BLOCK` (Prefect Secret block), `_SECURITY` (starttls, ssl, none): the mail server
  for notifications (flows/run/notify.py); without a host no e-mail is sent
- `KENNZAHLEN_REPORTS_URL`: where the report folder is served, for links in notifications
  (default: the folder's path)
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from flows.adapters.notify.smtp import SECURITY, SmtpSettings
from flows.errors import ConfigError
from flows.model.secrets import BlockLoader, Secrets
from flows.specs.catalog import find_project_dir


@dataclass(frozen=True)
class Settings:
    project: Path
    out_dir: Path
    default_targets: tuple[str, ...] = ("local",)
    ckan_url: str | None = None
    ckan_token: str | None = field(default=None, repr=False)
    ckan_token_block: str | None = None
    ckan_timeout: float = 60.0
    ckan_retry_budget: float = 120.0
    approve_first_publication: bool = False
    approval_wait: str = "auto"
    approval_timeout: int = 3600
    approval_poll: int = 10
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_sender: str = "kennzahlen@localhost"
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_password_block: str | None = None
    smtp_security: str = "starttls"
    reports_url: str | None = None
    secrets: Secrets = field(default_factory=Secrets, repr=False, compare=False)
    """Credentials for sources and targets (environment variables, Secret blocks)."""

    @classmethod
    def from_env(cls, project: Path | None = None,
                 load_block: BlockLoader | None = None) -> Settings:
        """Read every setting now; `load_block` loads Prefect Secret blocks (flow layer only).

        Raises:
            ConfigError: a variable holds a value that is not allowed.
        """
        root = project or find_project_dir()
        out = Path(os.environ.get("KENNZAHLEN_OUT") or root / "out")
        targets = tuple(
            t.strip() for t in os.environ.get("KENNZAHLEN_TARGETS", "local").split(",") if t.strip()
        )
        try:
            timeout = float(os.environ.get("CKAN_TIMEOUT", "60"))
            budget = float(os.environ.get("CKAN_RETRY_BUDGET", "120"))
            wait_timeout = int(os.environ.get("KENNZAHLEN_APPROVAL_TIMEOUT", "3600"))
            poll = int(os.environ.get("KENNZAHLEN_APPROVAL_POLL", "10"))
            smtp_port = int(os.environ.get("KENNZAHLEN_SMTP_PORT") or "587")
        except ValueError:
            raise ConfigError("CKAN_TIMEOUT, CKAN_RETRY_BUDGET, KENNZAHLEN_APPROVAL_TIMEOUT, "
                              "KENNZAHLEN_APPROVAL_POLL und KENNZAHLEN_SMTP_PORT müssen Zahlen "
                              "sein.") from None
        security = (os.environ.get("KENNZAHLEN_SMTP_SECURITY") or "starttls").strip().lower()
        if security not in SECURITY:
            raise ConfigError(f"KENNZAHLEN_SMTP_SECURITY ist '{security}', erlaubt sind "
                              f"{', '.join(SECURITY)}.")
        wait = os.environ.get("KENNZAHLEN_APPROVAL_WAIT", "auto").strip().lower() or "auto"
        if wait not in ("auto", "pause", "hold"):
            raise ConfigError(f"KENNZAHLEN_APPROVAL_WAIT ist '{wait}', erlaubt sind 'auto', "
                              "'pause' und 'hold'.")
        return cls(
            project=root,
            out_dir=out.resolve(),
            default_targets=targets,
            ckan_url=os.environ.get("CKAN_URL") or None,
            ckan_token=os.environ.get("CKAN_API_TOKEN") or None,
            ckan_token_block=os.environ.get("CKAN_API_TOKEN_BLOCK") or None,
            ckan_timeout=timeout,
            ckan_retry_budget=budget,
            approve_first_publication=_flag("KENNZAHLEN_APPROVE_FIRST_PUBLICATION"),
            approval_wait=wait,
            approval_timeout=wait_timeout,
            approval_poll=poll,
            smtp_host=os.environ.get("KENNZAHLEN_SMTP_HOST") or None,
            smtp_port=smtp_port,
            smtp_sender=os.environ.get("KENNZAHLEN_SMTP_FROM") or "kennzahlen@localhost",
            smtp_user=os.environ.get("KENNZAHLEN_SMTP_USER", ""),
            smtp_password=os.environ.get("KENNZAHLEN_SMTP_PASSWORD", ""),
            smtp_password_block=os.environ.get("KENNZAHLEN_SMTP_PASSWORD_BLOCK") or None,
            smtp_security=security,
            reports_url=(os.environ.get("KENNZAHLEN_REPORTS_URL") or "").rstrip("/") or None,
            secrets=Secrets(load_block=load_block),
        )

    @property
    def catalog_dir(self) -> Path:
        return self.out_dir / "catalog"

    @property
    def reports_dir(self) -> Path:
        return self.out_dir / "reports"

    @property
    def held_dir(self) -> Path:
        """Held versions and approval decisions, one folder per dataset (flows/approval.py)."""
        return self.out_dir / "held"

    def token(self) -> str:
        """The CKAN token: from the environment, else from the named Prefect Secret block."""
        if self.ckan_token:
            return self.ckan_token
        if self.ckan_token_block:
            return self.secrets.block(self.ckan_token_block, "CKAN_API_TOKEN_BLOCK")
        raise ConfigError(
            "Für das Ziel 'ckan' fehlt der API-Token: Umgebungsvariable CKAN_API_TOKEN setzen "
            "(oder CKAN_API_TOKEN_BLOCK mit dem Namen eines Prefect-Secret-Blocks). Den Token "
            "erzeugt man im Portal unter Benutzerkonto → API-Token."
        )


    def smtp(self) -> SmtpSettings | None:
        """The mail server for notifications (None: KENNZAHLEN_SMTP_HOST unset); the password
        comes from the environment, else from the named Prefect Secret block.

        Raises:
            ConfigError: the named Secret block cannot be loaded.
        """
        if not self.smtp_host:
            return None
        password = self.smtp_password
        if not password and self.smtp_password_block:
            password = self.secrets.block(self.smtp_password_block,
                                          "KENNZAHLEN_SMTP_PASSWORD_BLOCK")
        return SmtpSettings(self.smtp_host, self.smtp_port, self.smtp_sender, self.smtp_user,
                            password, self.smtp_security)

    def credentials(self) -> list[str]:
        """Every credential this run knows, for redaction of messages."""
        return [v for v in (self.ckan_token, self.smtp_password, *self.secrets.values()) if v]


def _flag(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "nein", "off"):
        return False
    if value in ("1", "true", "yes", "ja", "on"):
        return True
    raise ConfigError(f"{name} ist '{value}', erlaubt sind 1 (ein) und 0 (aus).")
