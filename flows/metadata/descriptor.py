"""DCAT-AP.de metadata of a dataset: declared in its descriptor, completed from the catalog's
defaults, checked with German messages, and derived from the data where a person should not type it.

A data steward declares in `datapackage.yaml` under `dcat:` what only they know (themes, update
frequency, date of first publication, the Musterdatenkatalog entry); what is the same for every
dataset of a municipality (publisher, contributor ID, AGS, language, access rights, base URL) is
declared once in `datapackages/catalog.yaml` and inherited. Temporal coverage, modification date,
byte sizes, media types and file types are derived from the data.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from flows import problems
from flows.errors import ConfigError
from flows.metadata import vocabularies as voc
from flows.metadata.fields import DATASET_FIELDS, EMAIL, DcatField, get, person
from flows.problems import Problem

Report = Callable[[str, str], None]
"""Records a problem: (field, text)."""

CATALOG_FILE = "catalog.yaml"
PERIOD_TYPES = ("date", "yearmonth", "year")


@dataclass(frozen=True)
class CatalogInfo:
    """`datapackages/catalog.yaml`: the catalog itself and the defaults every dataset inherits."""

    title: str
    description: str
    base_url: str
    homepage: str = ""
    language: tuple[str, ...] = ("DEU",)
    defaults: dict[str, Any] = field(default_factory=dict)
    """Values of a dataset's `dcat:` block used when the dataset does not set them."""
    site: dict[str, Any] = field(default_factory=dict)
    """The public pages' frame: `municipality` (named in every page header) and `links`
    (impressum, datenschutz, barrierefreiheit, kontakt: addresses a public body's site must
    offer; a missing one is shown as missing)."""
    node: str = ""
    """The catalog's own URI where it is not `base_url/` (a member's catalog in a Stadtverbund);
    dataset URIs are always built from `base_url`."""

    @property
    def uri(self) -> str:
        return self.node or f"{self.base_url}/"

    def dataset_uri(self, slug: str) -> str:
        return f"{self.base_url}/{slug}"


def load_catalog(project: Path) -> CatalogInfo:
    """Read `datapackages/catalog.yaml`; `KENNZAHLEN_BASE_URL` overrides its base_url.

    Raises:
        ConfigError: the file is missing or lacks title, description or base_url.
    """
    path = project / "datapackages" / CATALOG_FILE
    if not path.is_file():
        raise ConfigError(
            f"datapackages/{CATALOG_FILE} fehlt. Sie beschreibt den Katalog (Titel, Beschreibung, "
            "base_url) und die Angaben, die alle Datensätze erben (Herausgeber, contributorID, "
            "AGS); eine Vorlage steht im README.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"datapackages/{CATALOG_FILE} ist kein gültiges YAML: {exc}") from None
    missing = [k for k in ("title", "description", "base_url") if not data.get(k)]
    if missing:
        raise ConfigError(f"datapackages/{CATALOG_FILE}: Angabe {', '.join(missing)} fehlt.")
    base_url = (os.environ.get("KENNZAHLEN_BASE_URL") or str(data["base_url"])).rstrip("/")
    if not re.match(r"^https?://[^/\s]+", base_url):
        raise ConfigError(f"datapackages/{CATALOG_FILE}: base_url '{base_url}' ist keine "
                          "http(s)-Adresse.")
    return CatalogInfo(title=str(data["title"]), description=str(data["description"]).strip(),
                       base_url=base_url, homepage=str(data.get("homepage") or ""),
                       language=tuple(data.get("language") or ("DEU",)),
                       defaults=dict(data.get("dataset_defaults") or {}),
                       site=_site(data))


def _site(data: dict[str, Any]) -> dict[str, Any]:
    """`site:` of catalog.yaml; the municipality defaults to the publisher's name."""
    site = dict(data.get("site") or {})
    publisher = ((data.get("dataset_defaults") or {}).get("publisher") or {}).get("name")
    site.setdefault("municipality", publisher or "")
    site["links"] = {str(k): str(v) for k, v in (site.get("links") or {}).items() if v}
    return site


def complete(descriptor: dict[str, Any], catalog: CatalogInfo) -> dict[str, Any]:
    """The descriptor with the catalog's defaults filled into its `dcat:` block and the default
    licence (Datenlizenz Deutschland – Namensnennung 2.0) where none is declared."""
    result = copy.deepcopy(descriptor)
    block = result.setdefault("dcat", {})
    for key, value in catalog.defaults.items():
        block.setdefault(key, copy.deepcopy(value))
    if not result.get("licenses"):
        lic = "dl-by-de/2.0"
        result["licenses"] = [{"name": lic, "path": voc.LICENCE_BASE + lic,
                               "title": voc.LICENCES[lic]}]
    # dct:identifier must be a Literal in DCAT-AP 2.1.1, and ckanext-dcat turns anything that
    # parses as a URI into an IRI: so the stable identifier is the dataset URI without its scheme
    block.setdefault("identifier", catalog.dataset_uri(str(result.get("name"))).split("://", 1)[1])
    # the dataset's URI in the catalog: CKAN's `uri` extra and landing page are built from it
    block["uri"] = catalog.dataset_uri(str(result.get("name")))
    return result


def check(descriptor: dict[str, Any], dataset: str, reference: Path | None = None) -> list[Problem]:
    """Every missing or malformed DCAT-AP.de value of a completed descriptor, as problems.

    Goes through the DCAT field table (flows/metadata/fields.py) in its order: a row with a `rule`
    is checked by that explicit rule (once), any other row by its code list, test and `missing`
    note."""
    found: list[Problem] = []

    def bad(key: str, text: str) -> None:
        found.append(problems.make("metadata-invalid", f"Metadaten von '{dataset}', {key}: {text}",
                                   dataset=dataset, file="datapackage.yaml", field=key))

    def missing(key: str, text: str) -> None:
        found.append(problems.make("metadata-missing", f"Metadaten von '{dataset}': {key} fehlt "
                                   f"({text}).", dataset=dataset, file="datapackage.yaml",
                                   field=key))

    done: set[str] = set()
    for row in DATASET_FIELDS:
        if not row.rule:
            _check_row(row, row.get(descriptor), bad, missing)
        elif row.rule not in done:
            done.add(row.rule)
            RULES[row.rule](descriptor, bad, missing, reference)
    return found


def _check_row(row: DcatField, value: Any, bad: Report, missing: Report) -> None:
    """A row without an explicit rule: present if the table says it must be, and every item
    from its code list and passing its test."""
    if not value or (row.kind == "text" and not str(value).strip()):
        if row.missing:
            missing(row.key, row.missing)
        return
    codes = row.codes or {}
    for item in value if row.many else [value]:
        unknown = row.codes is not None and str(item) not in codes
        if unknown or (row.valid is not None and not row.valid(item)):
            bad(row.key, row.invalid.format(
                value=item, codes=", ".join(codes),
                labelled=", ".join(f"{k} ({v})" for k, v in codes.items())))


def _check_licences(descriptor: dict[str, Any], bad: Report, missing: Report,
                    reference: Path | None) -> None:
    for index, lic in enumerate(descriptor.get("licenses") or []):
        uri = str(lic.get("path") or "")
        if uri.removeprefix(voc.LICENCE_BASE) not in voc.LICENCES or not uri.startswith(
                voc.LICENCE_BASE):
            bad(f"licenses.{index}.path", f"'{uri}' ist keine Lizenz aus der DCAT-AP.de-Liste. "
                f"Erlaubt sind z. B. {voc.LICENCE_BASE}dl-by-de/2.0 oder "
                f"{voc.LICENCE_BASE}dl-zero-de/2.0 (genau so, ohne Schrägstrich am Ende).")


def _check_publisher(descriptor: dict[str, Any], bad: Report, missing: Report,
                     reference: Path | None) -> None:
    publisher = get(descriptor, "dcat.publisher")
    if not isinstance(publisher, dict) or not publisher.get("name"):
        missing("dcat.publisher.name", "die veröffentlichende Stelle, K36")
        return
    if publisher.get("type") not in voc.PUBLISHER_TYPES:
        bad("dcat.publisher.type", f"'{publisher.get('type')}' ist kein erlaubter Typ; erlaubt: "
            + ", ".join(f"{k} ({v})" for k, v in voc.PUBLISHER_TYPES.items()) + ".")
    uri = str(publisher.get("uri") or "")
    if uri and not uri.startswith(("http://", "https://")):
        bad("dcat.publisher.uri", f"'{uri}' ist keine http(s)-Adresse.")


def _check_contact(descriptor: dict[str, Any], bad: Report, missing: Report,
                   reference: Path | None) -> None:
    contact = person(descriptor.get("contributors"), "maintainer")
    if contact is None or not contact.get("email"):
        missing("contributors (maintainer mit email)", "Kontaktstelle mit E-Mail-Adresse, K01")
    elif not EMAIL.match(str(contact["email"])):
        bad("contributors.maintainer.email", f"'{contact['email']}' ist keine gültige "
            "E-Mail-Adresse.")


def _check_contributor(descriptor: dict[str, Any], bad: Report, missing: Report,
                       reference: Path | None) -> None:
    ids = [str(i) for i in get(descriptor, "dcat.contributor_id") or []]
    ours = [i for i in ids if i.startswith(voc.CONTRIBUTOR_BASE)]
    if len(ours) != 1:
        bad("dcat.contributor_id", f"braucht genau eine ID aus {voc.CONTRIBUTOR_BASE} (GovData, "
            f"K12/K13), gefunden: {len(ours)}. Die ID vergibt GovData (info@govdata.de); "
            "Kommunen liefern meist über ihr Landesportal, z. B. "
            f"{voc.CONTRIBUTOR_BASE}openGovernmentDataPortalRheinlandPfalz.")


def _check_musterdatensatz(descriptor: dict[str, Any], bad: Report, missing: Report,
                           reference: Path | None) -> None:
    entry = get(descriptor, "dcat.musterdatensatz")
    if not entry:
        return
    uri = str(entry.get("uri") or "") if isinstance(entry, dict) else ""
    if not uri.startswith(voc.MUSTERDATENSATZ_BASE) or not entry.get("label"):
        bad("dcat.musterdatensatz", "braucht uri (beginnend mit "
            f"{voc.MUSTERDATENSATZ_BASE}) und label, z. B. 'Bürgerservice - Dienstleistung'.")
        return
    known = musterdatensaetze(reference)
    if known and uri not in known:
        bad("dcat.musterdatensatz.uri", f"'{uri}' steht nicht im Musterdatenkatalog (Version 4).")


RULES: dict[str, Callable[[dict[str, Any], Report, Report, Path | None], None]] = {
    "licences": _check_licences, "publisher": _check_publisher, "contact": _check_contact,
    "contributor": _check_contributor, "musterdatensatz": _check_musterdatensatz}
"""The explicit checks the field table names in its `rule` column."""


def musterdatensaetze(reference: Path | None) -> set[str]:
    """The concept URIs of the Musterdatenkatalog, if its SKOS file is available."""
    if reference is None:
        return set()
    path = reference / "musterdatenkatalog" / "musterdatenkatalog_v4.rdf"
    if not path.is_file():
        return set()
    return set(re.findall(r'rdf:about="(https://musterdatenkatalog\.de/def/musterdatensatz/[^"]+)"',
                          path.read_text(encoding="utf-8")))


def temporal(descriptor: dict[str, Any],
             columns: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    """Start and end of the period the data covers. `columns` maps resource → field → published
    (ISO) values. The field is `dcat.temporal_field` (false: the data covers no period) or the
    first date, yearmonth or year field; `dcat.temporal_unit: month` says that a date stands for
    its whole month (e.g. "Monat (erster Tag)")."""
    block = descriptor.get("dcat") or {}
    wanted = block.get("temporal_field")
    if wanted is False:
        return {}
    unit = block.get("temporal_unit", "day")
    starts, ends = [], []
    for resource in descriptor.get("resources") or []:
        fields = (resource.get("schema") or {}).get("fields") or []
        chosen = next((f for f in fields if f["name"] == wanted or (
            not wanted and f.get("type") in PERIOD_TYPES)), None)
        values = [v for v in columns.get(resource["name"], {}).get(chosen["name"], [])
                  if v] if chosen else []
        if values:
            kind = "yearmonth" if unit == "month" and chosen["type"] == "date" else chosen["type"]
            starts.append(_period_start(min(values)[:7] if kind == "yearmonth" else min(values),
                                        kind))
            ends.append(_period_end(max(values)[:7] if kind == "yearmonth" else max(values), kind))
    if not starts:
        return {}
    return {"start": min(starts), "end": max(ends)}


def _period_start(value: str, kind: str) -> str:
    return {"year": f"{value}-01-01", "yearmonth": f"{value}-01"}.get(kind, value)


def _period_end(value: str, kind: str) -> str:
    if kind == "year":
        return f"{value}-12-31"
    if kind == "yearmonth":
        year, month = (int(p) for p in value.split("-"))
        following = date(year + month // 12, month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1).isoformat()
    return value


problems.register("metadata-missing", "Metadatum fehlt",
                  "Die Angabe in datapackage.yaml unter dcat: ergänzen (oder einmal für alle "
                  "Datensätze in datapackages/catalog.yaml unter dataset_defaults).")
problems.register("metadata-invalid", "Metadatum ungültig",
                  "Den Wert in datapackage.yaml (oder datapackages/catalog.yaml) wie beschrieben "
                  "korrigieren; erlaubte Werte nennt die Meldung.")
problems.register("metadata-shacl-violation", "Metadaten verletzen DCAT-AP.de",
                  "Die genannte Eigenschaft in datapackage.yaml bzw. catalog.yaml korrigieren; die "
                  "Meldung stammt aus den offiziellen Prüfregeln von GovData.")
problems.register("metadata-shacl-warning", "Metadaten-Empfehlung von DCAT-AP.de",
                  "Nicht zwingend: Die Empfehlung der offiziellen Prüfregeln umsetzen, damit "
                  "GovData den Datensatz vollständig anzeigt.")
problems.register("metadata-shapes-missing", "Prüfregeln für Metadaten fehlen",
                  "`kennzahlen reference download` ausführen oder KENNZAHLEN_REFERENCE auf eine "
                  "Kopie der DCAT-AP.de-Prüfregeln setzen.")
