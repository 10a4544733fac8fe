"""The DCAT-AP.de fields of a dataset in one table: the inventory check, RDF and CKAN share.

Like the profiles of ckanext-dcat, each row names a descriptor value, the RDF property it becomes,
its kind and where CKAN keeps it. `descriptor.check` checks the rows (code lists, patterns, what
must be present), `dcat.dataset_graph` states them and `ckan.mapping` builds its rows from them,
so a new field is one new row here. What a row cannot express (publisher and contact point,
spatial and temporal coverage, keywords with the Musterdatenkatalog label, licence and
attribution) is explicit code in those modules; its rows are still listed here, named by `kind`
(RDF) and `rule` (check), so this table stays the complete inventory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDFS

from flows.metadata import vocabularies as voc

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "dcatde": DCATDE, "dcatap": DCATAP, "owl": OWL,
            "rdfs": RDFS, "foaf": FOAF}

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
AGS = re.compile(r"^\d{8}$")
WKT_POINT = re.compile(r"^POINT\s*\(\s*-?\d+(\.\d+)?\s+-?\d+(\.\d+)?\s*\)$")

LIST_KINDS = ("texts", "uris")
"""Kinds whose descriptor value is a list."""


@dataclass(frozen=True)
class Ckan:
    """Where CKAN keeps a field: a dataset field or (extra=True) a dataset extra."""

    key: str
    form: str = "text"
    """text (as is), date (as text), uri (base + code), json-uri-list (a JSON list of base + code,
    as ckanext-dcatde reads list extras), tags (CKAN's tag dicts, with the Musterdatenkatalog
    label), page (the landing page: the dataset URI + '/'), mediatype (the bare IANA type: CKAN
    copies it into the download's Content-Type; our ckanext-dcat profile states the IRI)."""
    extra: bool = False
    dcatde: str = ""
    """The property ckanext-dcatde makes of an extra, if not the field's own predicate."""


@dataclass(frozen=True)
class DcatField:
    """One DCAT-AP.de field: descriptor value ↔ RDF property ↔ CKAN field, and how it is checked."""

    key: str
    """Path in the descriptor: dots between keys, a number for a list item, `[role]` for the first
    contributor with that role (e.g. `contributors[maintainer].email`); '' if derived."""
    predicate: URIRef | None
    """The property of the dcat:Dataset the value is (part of); None if it has none there."""
    kind: str
    """How the value is stated in RDF. Generic: text (literal in German), literal (plain), date
    (xsd:date), uri (base + value), uris (a list of those). Explicit code in dcat.py: identifier,
    page, keywords, agent, contact, spatial, temporal, modified, licence, distribution."""
    base: str = ""
    """The vocabulary URI a code is appended to (RDF and CKAN)."""
    codes: Mapping[str, str] | None = None
    """The code list a value must come from (code → German label)."""
    obligation: str = "optional"
    """DCAT-AP.de: mandatory, recommended or optional (mandatory includes GovData's MUSTs of the
    Konventionenhandbuch). A mandatory field is stated in the graph even when empty."""
    missing: str = ""
    """The check's note when the value is absent ('' if absence is fine)."""
    invalid: str = ""
    """The check's message for a bad value; {value}, {codes} and {labelled} are filled in."""
    valid: Callable[[Any], bool] | None = None
    """A test of a present value beyond the code list."""
    rule: str = ""
    """Names the explicit check in descriptor.py that covers this field instead of the above."""
    rdf_type: URIRef | None = None
    """The class the value's node gets (e.g. dct:RightsStatement)."""
    ckan: tuple[Ckan, ...] = ()

    @property
    def many(self) -> bool:
        """Whether the descriptor value is a list."""
        return self.kind in LIST_KINDS

    def get(self, descriptor: dict[str, Any]) -> Any:
        """The value in a descriptor (None where the path ends)."""
        return get(descriptor, self.key)

    def put(self, descriptor: dict[str, Any], value: Any) -> None:
        """Set the value in a descriptor, creating what is missing on the way."""
        put(descriptor, self.key, value)


def _is_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _code(key: str, predicate: URIRef, base: str, codes: Mapping[str, str], what: str,
          ckan: str, **more: Any) -> DcatField:
    """A single code from an authority table (e.g. frequency MONTHLY), CKAN holds its URI."""
    return DcatField(
        key, predicate, "uri", base, codes, "optional",
        missing=f"{what}, z. B. {next(iter(codes))}",
        invalid=f"'{{value}}' ist kein Wert der Liste {what}. Erlaubt: {{codes}}.",
        ckan=(Ckan(ckan, "uri", extra=True),), **more)


PERSON = "contributors[{role}].{key}"

DATASET_FIELDS: tuple[DcatField, ...] = (
    DcatField("name", None, "literal", ckan=(Ckan("name"),)),
    DcatField("title", DCTERMS.title, "text", obligation="mandatory",
              missing="Pflichtangabe in DCAT-AP.de", ckan=(Ckan("title"),)),
    DcatField("description", DCTERMS.description, "text", obligation="mandatory",
              missing="Pflichtangabe in DCAT-AP.de", ckan=(Ckan("notes"),)),
    DcatField("dcat.identifier", DCTERMS.identifier, "identifier",
              ckan=(Ckan("identifier", extra=True),)),
    DcatField("dcat.uri", None, "literal", ckan=(Ckan("uri", extra=True),)),
    DcatField("dcat.uri", DCAT.landingPage, "page", ckan=(Ckan("url", "page"),)),
    DcatField("version", OWL.versionInfo, "literal", ckan=(Ckan("version"),)),
    DcatField("homepage", FOAF.page, "uri", rdf_type=FOAF.Document,
              ckan=(Ckan("documentation", "json-uri-list", extra=True),)),
    DcatField("keywords", DCAT.keyword, "keywords", obligation="recommended",
              missing="Schlagwörter machen den Datensatz auffindbar",
              ckan=(Ckan("tags", "tags"),)),
    DcatField("licenses.0.path", None, "licence", codes=voc.LICENCES,  # dct:license per file
              obligation="mandatory", rule="licences", ckan=(Ckan("license_id"),)),
    DcatField("dcat.themes", DCAT.theme, "uris", voc.THEME_BASE, voc.THEMES, "recommended",
              missing="mindestens ein EU-Datenthema, z. B. GOVE",
              invalid="'{value}' ist kein EU-Datenthema. Erlaubt: {labelled}.",
              ckan=(Ckan("theme", "json-uri-list", extra=True),)),
    _code("dcat.frequency", DCTERMS.accrualPeriodicity, voc.FREQUENCY_BASE, voc.FREQUENCIES,
          "Aktualisierungsfrequenz (EU)", "frequency"),
    _code("dcat.access_rights", DCTERMS.accessRights, voc.ACCESS_RIGHTS_BASE, voc.ACCESS_RIGHTS,
          "Zugriffsrechte (EU)", "access_rights", rdf_type=DCTERMS.RightsStatement),
    DcatField("dcat.language", DCTERMS.language, "uris", voc.LANGUAGE_BASE, voc.LANGUAGES,
              missing="Sprache der Daten, z. B. [DEU]",
              invalid="'{value}' ist kein bekannter EU-Sprachcode (z. B. DEU).",
              ckan=(Ckan("language", "json-uri-list", extra=True),)),
    DcatField("dcat.publisher.name", DCTERMS.publisher, "agent", obligation="mandatory",
              rule="publisher", ckan=(Ckan("publisher_name", extra=True),)),
    DcatField("dcat.publisher.uri", DCTERMS.publisher, "agent", rule="publisher",
              ckan=(Ckan("publisher_uri", "uri", extra=True),)),
    DcatField("dcat.publisher.type", DCTERMS.publisher, "agent", voc.PUBLISHER_TYPE_BASE,
              voc.PUBLISHER_TYPES, rule="publisher",
              ckan=(Ckan("publisher_type", "uri", extra=True),)),
    DcatField(PERSON.format(role="maintainer", key="title"), DCAT.contactPoint, "contact",
              obligation="recommended", rule="contact",
              ckan=(Ckan("maintainer"), Ckan("contact_name", extra=True))),
    DcatField(PERSON.format(role="maintainer", key="email"), DCAT.contactPoint, "contact",
              obligation="recommended", rule="contact",
              ckan=(Ckan("maintainer_email"), Ckan("contact_email", extra=True))),
    DcatField(PERSON.format(role="author", key="title"), None, "literal",
              ckan=(Ckan("author"),)),
    DcatField(PERSON.format(role="author", key="email"), None, "literal",
              ckan=(Ckan("author_email"),)),
    DcatField("dcat.contributor_id", DCATDE.contributorID, "uris", obligation="mandatory",
              rule="contributor", ckan=(Ckan("contributorID", "json-uri-list", extra=True),)),
    DcatField("dcat.ags", DCATDE.politicalGeocodingURI, "spatial", voc.MUNICIPALITY_KEY_BASE,
              obligation="recommended",
              missing="der 8-stellige Amtliche Gemeindeschlüssel, z. B. '07318000'",
              invalid="'{value}' ist kein Amtlicher Gemeindeschlüssel: genau 8 Ziffern, die ersten "
                      "zwei das Land (01–16). In YAML in Anführungszeichen setzen, sonst geht die "
                      "führende Null verloren.",
              valid=lambda ags: bool(AGS.match(str(ags))) and str(ags)[:2] in voc.STATES,
              ckan=(Ckan("politicalGeocodingURI", "json-uri-list", extra=True),
                    Ckan("spatial_uri", "uri", extra=True, dcatde="dct:spatial"))),
    DcatField("dcat.place", DCTERMS.spatial, "spatial", obligation="recommended",
              ckan=(Ckan("spatial_text", extra=True),)),
    DcatField("dcat.centroid", DCTERMS.spatial, "spatial",
              invalid="'{value}' ist kein WKT-Punkt wie 'POINT(8.4311 49.3172)' (erst Länge, dann "
                      "Breite).",
              valid=lambda point: bool(WKT_POINT.match(str(point))),
              ckan=(Ckan("spatial_centroid", extra=True, dcatde="dcat:centroid"),)),
    _code("dcat.geocoding_level", DCATDE.politicalGeocodingLevelURI, voc.LEVEL_BASE, voc.LEVELS,
          "Verwaltungsebene", "politicalGeocodingLevelURI"),
    DcatField("dcat.issued", DCTERMS.issued, "date",
              missing="Datum der ersten Veröffentlichung, JJJJ-MM-TT",
              invalid="'{value}' ist kein Datum der Form JJJJ-MM-TT.", valid=_is_date,
              ckan=(Ckan("issued", "date", extra=True),)),
    DcatField("", DCTERMS.modified, "modified"),
    DcatField("dcat.temporal.start", DCTERMS.temporal, "temporal", obligation="recommended",
              ckan=(Ckan("temporal_start", "date", extra=True),)),
    DcatField("dcat.temporal.end", DCTERMS.temporal, "temporal", obligation="recommended",
              ckan=(Ckan("temporal_end", "date", extra=True),)),
    DcatField("dcat.musterdatensatz.uri", DCTERMS.references, "uri", rule="musterdatensatz",
              ckan=(Ckan("references", "json-uri-list", extra=True),)),
    DcatField("dcat.musterdatensatz.label", DCAT.keyword, "keywords", rule="musterdatensatz"),
    DcatField("resources", DCAT.distribution, "distribution", obligation="recommended"),
)
"""Every field of a dcat:Dataset, in the order the check reports them."""

DISTRIBUTION_FIELDS: tuple[DcatField, ...] = (
    DcatField("resources.title", DCTERMS.title, "text", ckan=(Ckan("name"),)),
    DcatField("resources.description", DCTERMS.description, "text",
              ckan=(Ckan("description"),)),
    DcatField("", DCAT.accessURL, "uri", obligation="mandatory", ckan=(Ckan("access_url"),)),
    DcatField("", DCAT.downloadURL, "uri", ckan=(Ckan("download_url"),)),
    DcatField("resources.format", DCTERMS.format, "uri", voc.FILE_TYPE_BASE, voc.FILE_TYPES,
              "recommended", ckan=(Ckan("format", "uri"),)),
    DcatField("resources.mediatype", DCAT.mediaType, "uri", voc.IANA_BASE,
              ckan=(Ckan("mimetype", "mediatype"),)),
    DcatField("licenses.0.path", DCTERMS.license, "licence", voc.LICENCE_BASE, voc.LICENCES,
              obligation="mandatory", ckan=(Ckan("license", "uri"),)),
    DcatField("", DCTERMS.rights, "licence", ckan=(Ckan("rights"),)),
    DcatField("", DCATDE.licenseAttributionByText, "licence", obligation="mandatory",
              ckan=(Ckan("licenseAttributionByText"),)),
    DcatField("resources.bytes", DCAT.byteSize, "literal", ckan=(Ckan("size"),)),
    DcatField("", DCTERMS.modified, "modified"),
    DcatField("dcat.issued", DCTERMS.issued, "date", ckan=(Ckan("issued", "date"),)),
    DcatField("", DCATAP.availability, "uri", voc.AVAILABILITY_BASE, obligation="recommended",
              ckan=(Ckan("availability", "uri"),)),
)
"""Every field of a dcat:Distribution. `dcat.distribution_values` gives their values (keyed by
predicate), `dcat._distribution` states them, `mapping.resource_fields` puts them into a CKAN
resource. The resource's `modified` is the upload time CKAN records."""


def curie(predicate: URIRef) -> str:
    """The predicate as prefix:name (dct:issued)."""
    for prefix, namespace in PREFIXES.items():
        if predicate.startswith(str(namespace)):
            return f"{prefix}:{predicate.removeprefix(str(namespace))}"
    return str(predicate)


def get(descriptor: dict[str, Any], path: str) -> Any:
    """The value at a field path (see DcatField.key), None where the path ends."""
    value: Any = descriptor
    for part in path.split("."):
        if "[" in part:
            name, role = part.rstrip("]").split("[")
            value = person(value.get(name) if isinstance(value, dict) else None, role)
        elif isinstance(value, list):
            value = value[int(part)] if value and int(part) < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def person(people: Any, role: str) -> dict[str, Any] | None:
    """The first contributor with that role (`roles: [...]` or a single `role:`)."""
    for entry in people or []:
        if role in (entry.get("roles") or [entry.get("role")]):
            return entry
    return None


def put(descriptor: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a field path, creating what is missing on the way."""
    parts = path.split(".")
    target: Any = descriptor
    for part, following in zip(parts, parts[1:], strict=False):
        if "[" in part:
            name, role = part.rstrip("]").split("[")
            people = target.setdefault(name, [])
            found = person(people, role)
            if found is None:
                found = {"roles": [role]}
                people.append(found)
            target = found
        elif part.isdigit():
            while len(target) <= int(part):
                target.append({})
            target = target[int(part)]
        else:
            target = target.setdefault(part, [] if following.isdigit() else {})
    target[parts[-1]] = value
