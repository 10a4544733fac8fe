"""The Metadata Quality Assessment (MQA) score of data.europa.eu for one dataset.

Dimensions and points follow the MQA methodology (findability 100, accessibility 100,
interoperability 110, reusability 75, contextuality 20; 405 in total). As in the methodology,
distribution criteria count when the best distribution meets them. Accessibility needs the URLs to
answer: kennzahlen checks them with the `reachable` function its caller passes (the local catalog
checks that the file is in the folder that will be served; nothing is fetched over the network).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from flows.metadata import vocabularies as voc

RATINGS = ((351, "ausgezeichnet"), (221, "gut"), (121, "ausreichend"), (0, "mangelhaft"))


@dataclass(frozen=True)
class Criterion:
    dimension: str
    label: str
    points: int
    test: Callable[[Graph, URIRef, list[URIRef], dict[str, Any]], bool]


def _has(prop: URIRef) -> Callable[[Graph, URIRef, list[URIRef], dict[str, Any]], bool]:
    return lambda g, ds, dists, ctx: g.value(ds, prop) is not None


def _any_dist(test: Callable[[Graph, URIRef, dict[str, Any]], bool]) -> Callable[..., bool]:
    return lambda g, ds, dists, ctx: any(test(g, d, ctx) for d in dists)


def _format_code(g: Graph, dist: URIRef) -> str:
    value = str(g.value(dist, DCTERMS.format) or "")
    return value.removeprefix(voc.FILE_TYPE_BASE) if value.startswith(voc.FILE_TYPE_BASE) else ""


def _vocab_aligned(g: Graph, dist: URIRef, ctx: dict[str, Any]) -> bool:
    media = str(g.value(dist, DCAT.mediaType) or "")
    return bool(_format_code(g, dist)) and media.startswith(voc.IANA_BASE)


def _reachable(prop: URIRef) -> Callable[[Graph, URIRef, dict[str, Any]], bool]:
    return lambda g, d, ctx: all(ctx["reachable"](str(u)) for u in g.objects(d, prop)) and \
        g.value(d, prop) is not None


def _access_rights_vocab(g: Graph, ds: URIRef, dists: list[URIRef], ctx: dict[str, Any]) -> bool:
    value = str(g.value(ds, DCTERMS.accessRights) or "")
    return value.removeprefix(voc.ACCESS_RIGHTS_BASE) in voc.ACCESS_RIGHTS


def _known_licence(g: Graph, d: URIRef, ctx: dict[str, Any]) -> bool:
    value = str(g.value(d, DCTERMS.license) or "")
    return value.removeprefix(voc.LICENCE_BASE) in voc.LICENCES


CRITERIA: tuple[Criterion, ...] = (
    Criterion("Auffindbarkeit", "Schlagwörter (dcat:keyword)", 30, _has(DCAT.keyword)),
    Criterion("Auffindbarkeit", "Kategorien (dcat:theme)", 30, _has(DCAT.theme)),
    Criterion("Auffindbarkeit", "räumliche Abdeckung (dct:spatial)", 20, _has(DCTERMS.spatial)),
    Criterion("Auffindbarkeit", "zeitliche Abdeckung (dct:temporal)", 20, _has(DCTERMS.temporal)),
    Criterion("Zugänglichkeit", "Zugangs-URL erreichbar", 50,
              _any_dist(_reachable(DCAT.accessURL))),
    Criterion("Zugänglichkeit", "Download-URL angegeben", 20,
              _any_dist(lambda g, d, ctx: g.value(d, DCAT.downloadURL) is not None)),
    Criterion("Zugänglichkeit", "Download-URL erreichbar", 30,
              _any_dist(_reachable(DCAT.downloadURL))),
    Criterion("Interoperabilität", "Format angegeben (dct:format)", 20,
              _any_dist(lambda g, d, ctx: g.value(d, DCTERMS.format) is not None)),
    Criterion("Interoperabilität", "Medientyp angegeben (dcat:mediaType)", 10,
              _any_dist(lambda g, d, ctx: g.value(d, DCAT.mediaType) is not None)),
    Criterion("Interoperabilität", "Format und Medientyp aus kontrolliertem Vokabular", 10,
              _any_dist(_vocab_aligned)),
    Criterion("Interoperabilität", "nicht-proprietäres Format", 20,
              _any_dist(lambda g, d, ctx: _format_code(g, d) in voc.NON_PROPRIETARY)),
    Criterion("Interoperabilität", "maschinenlesbares Format", 20,
              _any_dist(lambda g, d, ctx: _format_code(g, d) in voc.MACHINE_READABLE)),
    Criterion("Interoperabilität", "DCAT-AP-konform (SHACL-Prüfung ohne Verstoß)", 30,
              lambda g, ds, dists, ctx: ctx["conforms"]),
    Criterion("Wiederverwendbarkeit", "Lizenz angegeben", 20,
              _any_dist(lambda g, d, ctx: g.value(d, DCTERMS.license) is not None)),
    Criterion("Wiederverwendbarkeit", "Lizenz aus kontrolliertem Vokabular", 10,
              _any_dist(_known_licence)),
    Criterion("Wiederverwendbarkeit", "Zugriffsrechte angegeben (dct:accessRights)", 10,
              _has(DCTERMS.accessRights)),
    Criterion("Wiederverwendbarkeit", "Zugriffsrechte aus kontrolliertem Vokabular", 5,
              _access_rights_vocab),
    Criterion("Wiederverwendbarkeit", "Kontaktstelle (dcat:contactPoint)", 20,
              _has(DCAT.contactPoint)),
    Criterion("Wiederverwendbarkeit", "Herausgeber (dct:publisher)", 10, _has(DCTERMS.publisher)),
    Criterion("Kontext", "Rechte (dct:rights)", 5,
              _any_dist(lambda g, d, ctx: g.value(d, DCTERMS.rights) is not None)),
    Criterion("Kontext", "Dateigröße (dcat:byteSize)", 5,
              _any_dist(lambda g, d, ctx: g.value(d, DCAT.byteSize) is not None)),
    Criterion("Kontext", "Veröffentlichungsdatum (dct:issued)", 5, _has(DCTERMS.issued)),
    Criterion("Kontext", "Änderungsdatum (dct:modified)", 5, _has(DCTERMS.modified)),
)
MAXIMUM = sum(c.points for c in CRITERIA)


def rating(points: int) -> str:
    return next(label for floor, label in RATINGS if points >= floor)


def score(graph: Graph, dataset: URIRef, *, conforms: bool,
          reachable: Callable[[str], bool]) -> dict[str, Any]:
    """The score, its rating, points per dimension and the criteria that missed their points."""
    dists = list(graph.objects(dataset, DCAT.distribution))
    ctx = {"conforms": conforms, "reachable": reachable}
    dimensions: dict[str, list[int]] = {}
    missing = []
    for criterion in CRITERIA:
        met = criterion.test(graph, dataset, dists, ctx)
        got, most = dimensions.setdefault(criterion.dimension, [0, 0])
        dimensions[criterion.dimension] = [got + (criterion.points if met else 0),
                                           most + criterion.points]
        if not met:
            missing.append({"criterion": criterion.label, "points": criterion.points,
                            "dimension": criterion.dimension})
    total = sum(got for got, _ in dimensions.values())
    return {
        "score": total, "max": MAXIMUM, "rating": rating(total),
        "dimensions": [{"name": name, "points": got, "max": most}
                       for name, (got, most) in dimensions.items()],
        "missing": missing,
    }
