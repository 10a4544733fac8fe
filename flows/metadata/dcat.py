"""DCAT-AP.de RDF for the local catalog: one graph per dataset, and the catalog that lists them.

URIs are stable and built from the catalog's base URL, so the catalog folder can be hosted as it
is and harvested by GovData: the catalog is `<base>/`, a dataset `<base>/<slug>` (its landing page
is `<base>/<slug>/`), a distribution `<base>/<slug>/<file>#distribution`. Input is the published
descriptor (`datapackage.json` with its completed `dcat:` block); nothing is looked up elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from flows.metadata import vocabularies as voc
from flows.metadata.descriptor import CatalogInfo

DCATDE = Namespace("http://dcat-ap.de/def/dcatde/")
DCATAP = Namespace("http://data.europa.eu/r5r/")
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
    """The DCAT-AP.de description of one dataset (with publisher, contact and `files`)."""
    graph = bind(Graph())
    slug = descriptor["name"]
    block = descriptor.get("dcat") or {}
    dataset = URIRef(catalog.dataset_uri(slug))
    add = graph.add
    add((dataset, RDF.type, DCAT.Dataset))
    add((dataset, DCTERMS.title, Literal(descriptor["title"], lang=LANG)))
    add((dataset, DCTERMS.description, Literal(descriptor.get("description", ""), lang=LANG)))
    add((dataset, DCTERMS.identifier, Literal(block.get("identifier") or str(dataset))))
    add((dataset, DCAT.landingPage, URIRef(f"{dataset}/")))
    add((URIRef(f"{dataset}/"), RDF.type, FOAF.Document))
    for word in keywords(descriptor):
        add((dataset, DCAT.keyword, Literal(word, lang=LANG)))
    for theme in block.get("themes") or []:
        add((dataset, DCAT.theme, URIRef(voc.THEME_BASE + theme)))
    add((dataset, DCTERMS.publisher, _agent(graph, block.get("publisher") or {})))
    contact = next((p for p in descriptor.get("contributors") or []
                    if "maintainer" in (p.get("roles") or [])), None)
    if contact:
        point = BNode()
        for kind in (VCARD.Organization, VCARD.Kind):
            add((point, RDF.type, kind))
        add((point, VCARD.fn, Literal(contact.get("title", ""))))
        add((point, VCARD.hasEmail, URIRef(f"mailto:{contact.get('email', '')}")))
        add((dataset, DCAT.contactPoint, point))
    for contributor in block.get("contributor_id") or []:
        add((dataset, DCATDE.contributorID, URIRef(contributor)))
    if block.get("geocoding_level"):
        add((dataset, DCATDE.politicalGeocodingLevelURI,
             URIRef(voc.LEVEL_BASE + block["geocoding_level"])))
    if block.get("ags"):
        area = URIRef(voc.MUNICIPALITY_KEY_BASE + str(block["ags"]))
        add((dataset, DCATDE.politicalGeocodingURI, area))
        add((dataset, DCTERMS.spatial, area))  # K11: the same area as dct:spatial
        add((area, RDF.type, DCTERMS.Location))
        if block.get("place"):
            add((area, SKOS.prefLabel, Literal(block["place"], lang=LANG)))
        if block.get("centroid"):
            add((area, DCAT.centroid, Literal(block["centroid"], datatype=GSP.wktLiteral)))
    for lang in block.get("language") or []:
        add((dataset, DCTERMS.language, URIRef(voc.LANGUAGE_BASE + lang)))
    if block.get("frequency"):
        add((dataset, DCTERMS.accrualPeriodicity, URIRef(voc.FREQUENCY_BASE + block["frequency"])))
    if block.get("access_rights"):
        rights = URIRef(voc.ACCESS_RIGHTS_BASE + block["access_rights"])
        add((dataset, DCTERMS.accessRights, rights))
        add((rights, RDF.type, DCTERMS.RightsStatement))
    if block.get("issued"):
        add((dataset, DCTERMS.issued, Literal(str(block["issued"]), datatype=XSD.date)))
    add((dataset, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    period = block.get("temporal") or {}
    if period:
        node = BNode()
        add((node, RDF.type, DCTERMS.PeriodOfTime))
        add((node, DCAT.startDate, Literal(period["start"], datatype=XSD.date)))
        add((node, DCAT.endDate, Literal(period["end"], datatype=XSD.date)))
        add((dataset, DCTERMS.temporal, node))
    reference = (block.get("musterdatensatz") or {}).get("uri")
    if reference:
        add((dataset, DCTERMS.references, URIRef(reference)))
    if descriptor.get("version"):
        add((dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"),
             Literal(str(descriptor["version"]))))
    for item in files:
        add((dataset, DCAT.distribution, _distribution(graph, descriptor, catalog, item,
                                                       modified)))
    return graph


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


def _distribution(graph: Graph, descriptor: dict[str, Any], catalog: CatalogInfo,
                  item: Distribution, modified: str) -> URIRef:
    url = URIRef(f"{catalog.dataset_uri(descriptor['name'])}/{item.file}")
    node = URIRef(f"{url}#distribution")
    add = graph.add
    add((node, RDF.type, DCAT.Distribution))
    add((node, DCTERMS.title, Literal(item.title, lang=LANG)))
    if item.description:
        add((node, DCTERMS.description, Literal(item.description, lang=LANG)))
    add((node, DCAT.accessURL, url))
    add((node, DCAT.downloadURL, url))  # K39: a plain download has the same URL for both
    add((node, DCTERMS.format, URIRef(voc.FILE_TYPE_BASE + voc.FILE_TYPES[item.format])))
    media = URIRef(voc.IANA_BASE + item.mediatype)
    add((node, DCAT.mediaType, media))
    add((media, RDF.type, DCTERMS.MediaType))
    code = licence_code(descriptor)
    licence = URIRef(voc.LICENCE_BASE + code)
    add((node, DCTERMS.license, licence))
    add((licence, RDF.type, DCTERMS.LicenseDocument))
    rights = URIRef(f"{catalog.dataset_uri(descriptor['name'])}/#nutzungsbedingungen")
    add((rights, RDF.type, DCTERMS.RightsStatement))
    text = attribution(descriptor)
    add((rights, RDFS.label, Literal(f"{voc.LICENCES.get(code, code)}; Quelle: {text}", lang=LANG)))
    add((node, DCTERMS.rights, rights))
    if code in voc.ATTRIBUTION_LICENCES:
        add((node, DCATDE.licenseAttributionByText, Literal(text, lang=LANG)))
    add((node, DCAT.byteSize, Literal(Decimal(item.bytes), datatype=XSD.decimal)))
    add((node, DCTERMS.modified, Literal(modified, datatype=XSD.dateTime)))
    if (descriptor.get("dcat") or {}).get("issued"):
        add((node, DCTERMS.issued, Literal(str(descriptor["dcat"]["issued"]), datatype=XSD.date)))
    add((node, DCATAP.availability,
         URIRef("http://publications.europa.eu/resource/authority/planned-availability/STABLE")))
    return node


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
