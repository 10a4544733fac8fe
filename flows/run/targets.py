"""Targets built from the names a run is given: `local`, `local:<dir>` or `ckan`."""

from __future__ import annotations

from pathlib import Path

from flows.adapters.ckan.target import CkanTarget
from flows.adapters.local.comparison_setup import comparison_setup
from flows.adapters.local.target import LocalCatalog
from flows.errors import ConfigError
from flows.metadata.descriptor import load_catalog
from flows.model.bundle import Target
from flows.settings import Settings
from flows.specs.members import load_association, load_members


def make_targets(specs: list[str] | tuple[str, ...], settings: Settings) -> list[Target]:
    """Build targets from `local`, `local:<dir>` or `ckan`; the CKAN token is resolved here,
    before any dataset runs.

    Raises:
        ConfigError: unknown target, `local:<dir>` whose parent folder does not exist, or
            `ckan` without URL or token.
    """
    targets: list[Target] = []
    for spec in specs:
        kind, _, arg = spec.partition(":")
        if kind == "local":
            root = Path(arg).expanduser() if arg else settings.catalog_dir
            if arg and not root.resolve().parent.is_dir():
                raise ConfigError(
                    f"Ziel '{spec}': der Ordner {root.resolve().parent} existiert nicht. "
                    "Bitte einen vorhandenen Ordner angeben (der Katalogordner selbst wird "
                    "angelegt)."
                )
            targets.append(LocalCatalog(root.resolve(), load_catalog(settings.project),
                                        load_members(settings.project),
                                        load_association(settings.project),
                                        comparison=comparison_setup(settings.project)))
        elif kind == "ckan":
            url = arg or settings.ckan_url
            if not url:
                raise ConfigError(
                    "Für das Ziel 'ckan' fehlt die Adresse des Portals: CKAN_URL setzen "
                    "(z. B. https://daten.example.de)."
                )
            targets.append(CkanTarget(url, settings.token(), timeout=settings.ckan_timeout,
                                      retry_budget=settings.ckan_retry_budget))
        else:
            raise ConfigError(
                f"Unbekanntes Ziel '{spec}'. Erlaubt sind 'local', 'local:<Ordner>' und 'ckan'."
            )
    return targets
