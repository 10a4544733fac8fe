"""DCAT-AP.de RDF for the local catalog: one graph per dataset, and the catalog that lists them.

URIs are stable and built from the catalog's base URL, so the catalog folder can be hosted as it
is and harvested by GovData: the catalog is `<base>/`, a dataset `<base>/<slug>` (its landing page
is `<base>/<slug>/`), a distribution `<base>/<slug>/<file>#distribution`. Input is the published
descriptor (`datapackage.json` with its completed `dcat:` block); nothing is looked up elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from flows.metadata import vocabularies as voc
from flows.metadata.descriptor import CatalogInfo
from flows.metadata.fields import DATASET_FIELDS, DCATAP, DCATDE, DISTRIBUTION_FIELDS, DcatField

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
LANG = "de"


@dataclass(frozen=True)
class Distribution:
    """One downloadable file of a dataset."""

    file: str
    title: str
    description: str
    format: str
    """Our format name, `csv` or `json`."""
    mediatype: str
    bytes: int


def bind(graph: Graph) -> Graph:
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD),
                              ("dcatde", DCATDE), ("dcatap", DCATAP), ("skos", SKOS),
                              ("locn", LOCN)):
        graph.bind(prefix, namespace)
    return graph


def dataset_graph(descriptor: dict[str, Any], catalog: CatalogInfo, modified: str,
                  files: list[Distribution]) -> Graph:
    """The DCAT-AP.de description of one dataset (with publisher, contact and `files`).

    States every row of the DCAT field table (flows/metadata/fields.py): a row of a generic kind
    as its predicate and value, a row of another kind by that kind's function in STATEMENTS."""
    graph = bind(Graph())
    dataset = URIRef(catalog.dataset_uri(descriptor["name"]))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    scope = _Scope(graph, dataset, descriptor, catalog, modified, files)
    done: set[Callable[[_Scope], None]] = set()
    for row in DATASET_FIELDS:
        state = STATEMENTS.get(row.kind)
        if state is None and row.predicate is not None:
            _state(graph, dataset, row, row.get(descriptor))
        elif state is not None and state not in done:
            done.add(state)
            state(scope)
    return graph


@dataclass(frozen=True)
class _Scope:
    """What the explicit statements of `dataset_graph` work with."""

    graph: Graph
    dataset: URIRef
    descriptor: dict[str, Any]
    catalog: CatalogInfo
    modified: str
    files: list[Distribution]

    @property
    def block(self) -> dict[str, Any]:
        return self.descriptor.get("dcat") or {}


def _state(graph: Graph, dataset: URIRef, row: DcatField, value: Any) -> None:
    """A row of a generic kind; a mandatory one is stated even when empty (so the shapes see it)."""
    if not value and row.obligation != "mandatory":
        return
    for item in (value or []) if row.many else [value]:
        if row.kind == "text":
            term: URIRef | Literal = Literal("" if item is None else item, lang=LANG)
        elif row.kind == "date":
            term = Literal(str(item), datatype=XSD.date)
        elif row.kind == "literal":
            term = Literal(str(item))
        else:
            term = URIRef(row.base + str(item))
        graph.add((dataset, row.predicate, term))
        if row.rdf_type is not None:
            graph.add((term, RDF.type, row.rdf_type))


def _identifier(scope: _Scope) -> None:
    dataset = scope.dataset
    scope.graph.add((dataset, DCTERMS.identifier,
                     Literal(scope.block.get("identifier") or str(dataset))))


def _landing_page(scope: _Scope) -> None:
    page = URIRef(f"{scope.dataset}/")
    scope.graph.add((scope.dataset, DCAT.landingPage, page))
    scope.graph.add((page, RDF.type, FOAF.Document))


def _keywords(scope: _Scope) -> None:
    for word in keywords(scope.descriptor):
        scope.graph.add((scope.dataset, DCAT.keyword, Literal(word, lang=LANG)))


def _publisher(scope: _Scope) -> None:
    agent = _agent(scope.graph, scope.block.get("publisher") or {})
    scope.graph.add((scope.dataset, DCTERMS.publisher, agent))


def _contact(scope: _Scope) -> None:
    contact = next((p for p in scope.descriptor.get("contributors") or []
                    if "maintainer" in (p.get("roles") or [])), None)
    if contact:
        point = BNode()
        for kind in (VCARD.Organization, VCARD.Kind):
            scope.graph.add((point, RDF.type, kind))
        scope.graph.add((point, VCARD.fn, Literal(contact.get("title", ""))))
        scope.graph.add((point, VCARD.hasEmail, URIRef(f"mailto:{contact.get('email', '')}")))
        scope.graph.add((scope.dataset, DCAT.contactPoint, point))


def _spatial(scope: _Scope) -> None:
    block, add = scope.block, scope.graph.add
    if block.get("ags"):
        area = URIRef(voc.MUNICIPALITY_KEY_BASE + str(block["ags"]))
        add((scope.dataset, DCATDE.politicalGeocodingURI, area))
        add((scope.dataset, DCTERMS.spatial, area))  # K11: the same area as dct:spatial
        add((area, RDF.type, DCTERMS.Location))
        if block.get("place"):
            add((area, SKOS.prefLabel, Literal(block["place"], lang=LANG)))
        if block.get("centroid"):
            add((area, DCAT.centroid, Literal(block["centroid"], datatype=GSP.wktLiteral)))


def _modified(scope: _Scope) -> None:
    scope.graph.add((scope.dataset, DCTERMS.modified,
                     Literal(scope.modified, datatype=XSD.dateTime)))


def _temporal(scope: _Scope) -> None:
    period = scope.block.get("temporal") or {}
    if period:
        node, add = BNode(), scope.graph.add
        add((node, RDF.type, DCTERMS.PeriodOfTime))
        add((node, DCAT.startDate, Literal(period["start"], datatype=XSD.date)))
        add((node, DCAT.endDate, Literal(period["end"], datatype=XSD.date)))
        add((scope.dataset, DCTERMS.temporal, node))


def _distributions(scope: _Scope) -> None:
    """The files, each with the licence and attribution (DISTRIBUTION_FIELDS)."""
    for item in scope.files:
        scope.graph.add((scope.dataset, DCAT.distribution, _distribution(
            scope.graph, scope.descriptor, scope.catalog, item, scope.modified)))


STATEMENTS: dict[str, Callable[[_Scope], None]] = {
    "identifier": _identifier, "page": _landing_page, "keywords": _keywords,
    "agent": _publisher, "contact": _contact, "spatial": _spatial, "modified": _modified,
    "temporal": _temporal, "licence": _distributions, "distribution": _distributions}
"""The explicit statements for the kinds of the field table a row cannot express."""


def keywords(descriptor: dict[str, Any]) -> list[str]:
    """Declared keywords plus the Musterdatenkatalog label, as DCAT-AP.de recommends."""
    words = [str(w) for w in descriptor.get("keywords") or []]
    label = ((descriptor.get("dcat") or {}).get("musterdatensatz") or {}).get("label")
    if label and label not in words:
        words.append(str(label))
    return words


def attribution(descriptor: dict[str, Any]) -> str:
    """The source note a BY licence asks for (dcatde:licenseAttributionByText, K35)."""
    publisher = ((descriptor.get("dcat") or {}).get("publisher") or {}).get("name", "")
    return f"{publisher}: {descriptor.get('title', '')}".strip(": ")


def licence_code(descriptor: dict[str, Any]) -> str:
    uri = str(((descriptor.get("licenses") or [{}])[0]).get("path") or "")
    return uri.removeprefix(voc.LICENCE_BASE)


def _agent(graph: Graph, publisher: dict[str, Any]) -> URIRef | BNode:
    node = URIRef(publisher["uri"]) if publisher.get("uri") else BNode()
    for kind in (FOAF.Organization, FOAF.Agent):
        graph.add((node, RDF.type, kind))
    graph.add((node, FOAF.name, Literal(publisher.get("name", ""))))
    if publisher.get("type"):
        graph.add((node, DCTERMS.type, URIRef(voc.PUBLISHER_TYPE_BASE + publisher["type"])))
    return node


def distribution_values(descriptor: dict[str, Any], item: Distribution, url: str,
                        modified: str) -> dict[URIRef, Any]:
    """The values of one file's DISTRIBUTION_FIELDS, keyed by predicate (codes without their
    vocabulary base; None where a field does not apply). The local catalog states them, CKAN's
    resource gets them (`url`: where the file is served)."""
    code = licence_code(descriptor)
    return {
        DCTERMS.title: item.title, DCTERMS.description: item.description or None,
        DCAT.accessURL: url, DCAT.downloadURL: url,  # K39: a plain download has one URL for both
        DCTERMS.format: voc.FILE_TYPES[item.format], DCAT.mediaType: item.mediatype,
        DCTERMS.license: code, DCTERMS.rights: rights(descriptor),
        DCATDE.licenseAttributionByText:
            attribution(descriptor) if code in voc.ATTRIBUTION_LICENCES else None,
        DCAT.byteSize: item.bytes, DCTERMS.modified: modified,
        DCTERMS.issued: (descriptor.get("dcat") or {}).get("issued"),
        DCATAP.availability: "STABLE",
    }


def rights(descriptor: dict[str, Any]) -> str:
    """The terms of use in words: the licence and the source to name (dct:rights)."""
    code = licence_code(descriptor)
    return f"{voc.LICENCES.get(code, code)}; Quelle: {attribution(descriptor)}"


def _distribution(graph: Graph, descriptor: dict[str, Any], catalog: CatalogInfo,
                  item: Distribution, modified: str) -> URIRef:
    url = URIRef(f"{catalog.dataset_uri(descriptor['name'])}/{item.file}")
    node = URIRef(f"{url}#distribution")
    values = distribution_values(descriptor, item, str(url), modified)
    add = graph.add
    add((node, RDF.type, DCAT.Distribution))
    for row in DISTRIBUTION_FIELDS:
        value = values[row.predicate]
        if value in (None, ""):
            continue
        if row.predicate == DCTERMS.rights:
            term: URIRef | Literal = URIRef(
                f"{catalog.dataset_uri(descriptor['name'])}/#nutzungsbedingungen")
            add((term, RDF.type, DCTERMS.RightsStatement))
            add((term, RDFS.label, Literal(value, lang=LANG)))
        elif row.predicate == DCAT.byteSize:  # one lexical form: "1617", never "1617.0"
            term = Literal(str(int(value)), datatype=XSD.decimal, normalize=False)
        elif row.predicate == DCTERMS.modified:
            term = Literal(value, datatype=XSD.dateTime)
        elif row.kind == "date":
            term = Literal(str(value), datatype=XSD.date)
        elif row.kind == "text" or row.predicate == DCATDE.licenseAttributionByText:
            term = Literal(value, lang=LANG)
        else:
            term = URIRef(row.base + str(value))
        add((node, row.predicate, term))
    _type_nodes(graph, node, descriptor)
    return node


def _type_nodes(graph: Graph, node: URIRef, descriptor: dict[str, Any]) -> None:
    """The classes of the vocabulary nodes a distribution points to; the licence with its
    title, so a harvester can find it in its licence register by title too."""
    for media in graph.objects(node, DCAT.mediaType):
        graph.add((media, RDF.type, DCTERMS.MediaType))
    for licence in graph.objects(node, DCTERMS.license):
        graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
        code = licence_code(descriptor)
        graph.add((licence, DCTERMS.title, Literal(voc.LICENCES.get(code, code), lang=LANG)))


def catalog_graph(catalog: CatalogInfo, datasets: list[Graph], modified: str) -> Graph:
    """One `dcat:Catalog` with every dataset graph merged in."""
    graph = bind(Graph())
    node = URIRef(catalog.uri)
    graph.add((node, RDF.type, DCAT.Catalog))
    graph.add((node, DCTERMS.title, Literal(catalog.title, lang=LANG)))
    graph.add((node, DCTERMS.description, Literal(catalog.description, lang=LANG)))
    graph.add((node, DCTERMS.publisher, _agent(graph, catalog.defaults.get("publisher") or {})))
    if catalog.homepage:
        graph.add((node, FOAF.homepage, URIRef(catalog.homepage)))
        graph.add((URIRef(catalog.homepage), RDF.type, FOAF.Document))
    for lang in catalog.language:
        graph.add((node, DCTERMS.language, URIRef(voc.LANGUAGE_BASE + lang)))
    graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    themes = URIRef(voc.THEME_BASE.rstrip("/"))
    graph.add((node, DCAT.themeTaxonomy, themes))
    graph.add((themes, RDF.type, SKOS.ConceptScheme))
    graph.add((themes, DCTERMS.title, Literal("Datenthemen (EU)", lang=LANG)))
    for dataset_graph_ in datasets:
        graph += dataset_graph_
        for dataset in dataset_graph_.subjects(RDF.type, DCAT.Dataset):
            graph.add((node, DCAT.dataset, dataset))
    return graph
