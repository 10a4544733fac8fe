"""Reference data kennzahlen checks metadata against, and where it comes from.

The official DCAT-AP.de SHACL shapes, the vocabularies GovData's validator loads and the
Musterdatenkatalog are public data files. They are not part of this project: `kennzahlen reference
download` fetches them from their public sources into a cache, `KENNZAHLEN_REFERENCE` points to a
local copy with the same layout, and a development checkout finds `../shared/reference/`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GOVDATA = ("https://raw.githubusercontent.com/GovDataOfficial/DCAT-AP.de-SHACL-Validation/"
           "0715dd6382b418db144325082d60a989e7ecd262/validator/resources/")
DCATAPDE = ("https://raw.githubusercontent.com/GovDataOfficial/DCAT-AP.de/"
            "2cc6629fc32b4a0ff0016a063e10066c87c7be2d/Releases/DCAT-AP.de%20V2.0/shacl/")
MUSTERDATENKATALOG = ("https://raw.githubusercontent.com/bertelsmannstift/Musterdatenkatalog/"
                      "af79410d058380809fedabaea3e45af5c7ab5965/musterdatenkatalog/")
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"


@dataclass(frozen=True)
class RemoteFile:
    path: str
    """Where the file lies inside the reference folder."""
    url: str
    required: bool = True
    """Optional files (the EU authority tables) make checks stricter when present."""


FILES: tuple[RemoteFile, ...] = (
    RemoteFile("dcat-ap-de/v2.0/dcat-ap_2.1.1_shacl_shapes.ttl",
               DCATAPDE + "dcat-ap_2.1.1_shacl_shapes.ttl"),
    *(RemoteFile(f"dcat-ap-de/v2.0/{name}", f"{GOVDATA}v2.0/shapes/{name}")
      for name in ("dcat-ap-spec-german-messages.ttl", "dcat-ap-spec-german-additions.ttl",
                   "dcat-ap-de-deprecated.ttl", "dcat-ap-konventionen.ttl")),
    *(RemoteFile(f"dcat-ap-de/vocab/{name}", f"{GOVDATA}dashboard-live/shapes/{name}")
      for name in ("dcat-ap-de-contributors.rdf", "dcat-ap-de-licenses-open.rdf")),
    *(RemoteFile(f"dcat-ap-de/vocab/{name}", f"{GOVDATA}mirror/{name}")
      for name in ("foaf_0_1.rdf", "vcard.ttl", "org.ttl")),
    *(RemoteFile(f"dcat-ap-de/vocab/eu-{table}.rdf", EU_AUTHORITY + table, required=False)
      for table in ("data-theme", "file-type", "language", "frequency", "access-right",
                    "planned-availability")),
    RemoteFile("dcat-ap-de/vocab/adms-skos.rdf",
               "https://raw.githubusercontent.com/SEMICeu/ADMS-AP/master/purl.org/ADMS_SKOS_v1.00.rdf",
               required=False),
    RemoteFile("dcat-ap-de/vocab/dcatde-level.rdf",
               "https://www.dcat-ap.de/def/politicalGeocoding/Level/1_0.rdf", required=False),
    RemoteFile("musterdatenkatalog/musterdatenkatalog_v4.rdf",
               MUSTERDATENKATALOG + "musterdatenkatalog_v4.rdf", required=False),
)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kennzahlen" / "reference"


def candidates(project: Path | None = None) -> list[Path]:
    """Where reference data is looked for, in order."""
    found = []
    if os.environ.get("KENNZAHLEN_REFERENCE"):
        found.append(Path(os.environ["KENNZAHLEN_REFERENCE"]))
    found.append(cache_dir())
    if project is not None:
        found.append(project.resolve().parent / "shared" / "reference")
    checkout = _checkout()
    if checkout is not None:
        found.append(checkout.parent / "shared" / "reference")
    return found


def _checkout() -> Path | None:
    """The development checkout this module runs from (it holds pyproject.toml next to flows/),
    or None for an installed package, whose folders say nothing about reference data."""
    package = Path(__file__).resolve().parents[1]
    root = package.parent
    if package.name == "flows" and (root / "pyproject.toml").is_file():
        return root
    return None


def find(project: Path | None = None) -> Path | None:
    """The first folder holding the DCAT-AP.de shapes, or None."""
    for folder in candidates(project):
        if (folder / "dcat-ap-de" / "v2.0" / "dcat-ap_2.1.1_shacl_shapes.ttl").is_file():
            return folder
    return None


def download(target: Path, *, timeout: float = 60.0, files: tuple[RemoteFile, ...] | None = None,
             report: Callable[[str], None] | None = None) -> list[str]:
    """Fetch every file into `target` (atomically per file); returns the optional files that
    could not be fetched.

    Raises:
        ConfigError: a required file could not be fetched.
    """
    import requests

    from flows.errors import ConfigError

    missing = []
    for item in FILES if files is None else files:
        dest = target / item.path
        try:
            response = requests.get(item.url, timeout=timeout,
                                    headers={"Accept": "application/rdf+xml, text/turtle;q=0.9"})
            response.raise_for_status()
        except requests.RequestException as exc:
            if item.required:
                raise ConfigError(
                    f"Referenzdatei {item.path} konnte nicht von {item.url} geladen werden "
                    f"({type(exc).__name__}). Netzverbindung prüfen oder mit KENNZAHLEN_REFERENCE "
                    "auf eine lokale Kopie zeigen.") from None
            missing.append(item.path)
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as tmp:
            tmp.write(response.content)
        os.replace(tmp.name, dest)
        if report:
            report(item.path)
    return missing
