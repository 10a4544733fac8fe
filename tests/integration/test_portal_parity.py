"""The portal copy is as rich as the local catalog: every shipped dataset is published to both,
rendered by ckanext-dcat (`/dataset/<name>.ttl`, `/catalog.ttl`) and compared, field by field,
with the local catalog's graph. What still differs is listed in DIFFERENCES (and in the README).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDFS, SKOS

from flows.adapters.local.target import LocalCatalog
from flows.metadata import mqa, reference, shacl
from flows.metadata.dcat import VCARD
from flows.metadata.descriptor import load_catalog
from flows.metadata.fields import DCATAP, DCATDE
from flows.run import sequence
from flows.specs import catalog
from tests.helpers import ROOT
from tests.integration.portal import ckan_target, in_run_order, own_copy

pytestmark = pytest.mark.integration

DATASET = {
    "title": DCTERMS.title, "description": DCTERMS.description,
    "identifier": DCTERMS.identifier, "issued": DCTERMS.issued, "version": OWL.versionInfo,
    "landing page": DCAT.landingPage, "keywords": DCAT.keyword, "themes": DCAT.theme,
    "frequency": DCTERMS.accrualPeriodicity, "language": DCTERMS.language,
    "access rights": DCTERMS.accessRights, "spatial": DCTERMS.spatial,
    "documentation": FOAF.page, "contributorID": DCATDE.contributorID,
    "politicalGeocodingURI": DCATDE.politicalGeocodingURI,
    "politicalGeocodingLevelURI": DCATDE.politicalGeocodingLevelURI,
    "references (Musterdatensatz)": DCTERMS.references,
}
"""Dataset properties compared by their values (literals by their text)."""
DISTRIBUTION = {
    "file title": DCTERMS.title, "file description": DCTERMS.description,
    "format": DCTERMS.format, "media type": DCAT.mediaType, "licence": DCTERMS.license,
    "attribution": DCATDE.licenseAttributionByText, "byte size": DCAT.byteSize,
    "file issued": DCTERMS.issued, "availability": DCATAP.availability,
}
DIFFERENCES = {
    "modified": "the local catalog states when it was published, CKAN when it stored the file",
    "download URL": "each points to its own copy; the copies are byte-identical (sha256)",
    "distribution URI": "CKAN names a distribution by its resource id",
    "language tags": "ckanext-dcat writes plain literals, the local catalog tags them @de",
}
"""What differs between the two graphs, and why (the README lists the same)."""


@pytest.fixture(scope="module")
def both(ckan: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Every shipped dataset, published once to a local catalog and to the real CKAN."""
    project = tmp_path_factory.mktemp("parity") / "project"
    shutil.copytree(ROOT / "datapackages", project / "datapackages")
    shutil.copytree(ROOT / "schemas", project / "schemas")
    root = tmp_path_factory.mktemp("catalog")
    info = load_catalog(project)
    local, portal = LocalCatalog(root, info), ckan_target(ckan)
    names = in_run_order(project, [own_copy(project, base)
                                   for base in catalog.dataset_names(ROOT)])
    workdir = tmp_path_factory.mktemp("w")
    for name in names:
        result = sequence.process(project, name, [local, portal], workdir)
        assert result.status == "published", (name, result.problems)
    local.finish()
    return {"names": names, "root": root, "info": info, "ckan": ckan, "project": project}


def _ttl(url: str) -> Graph:
    response = requests.get(url, timeout=60)
    assert response.status_code == 200, url
    return Graph().parse(data=response.content, format="turtle")  # UTF-8, whatever the header says


def _texts(graph: Graph, subject: object, predicate: URIRef) -> set[str]:
    return {str(o) for o in graph.objects(subject, predicate)}


def _facts(graph: Graph, dataset: URIRef) -> dict[str, object]:
    """What a reader of the graph learns of the dataset, in a form both graphs share."""
    facts: dict[str, object] = {key: _texts(graph, dataset, p) for key, p in DATASET.items()}
    places = list(graph.objects(dataset, DCTERMS.spatial))
    facts["place name"] = set().union(*(_texts(graph, s, SKOS.prefLabel) for s in places))
    facts["centroid"] = set().union(*(_texts(graph, s, DCAT.centroid) for s in places))
    facts["temporal"] = {(str(graph.value(t, DCAT.startDate)), str(graph.value(t, DCAT.endDate)))
                         for t in graph.objects(dataset, DCTERMS.temporal)}
    facts["contact"] = {(str(graph.value(c, VCARD.fn)), str(graph.value(c, VCARD.hasEmail)))
                        for c in graph.objects(dataset, DCAT.contactPoint)}
    facts["publisher"] = {(str(p), str(graph.value(p, FOAF.name)),
                           str(graph.value(p, DCTERMS.type)))
                          for p in graph.objects(dataset, DCTERMS.publisher)}
    facts["modified stated"] = graph.value(dataset, DCTERMS.modified) is not None
    facts["files"] = {str(graph.value(d, DCAT.downloadURL)).rsplit("/", 1)[1]: _file(graph, d)
                      for d in graph.objects(dataset, DCAT.distribution)}
    return facts


def _file(graph: Graph, distribution: object) -> dict[str, object]:
    facts: dict[str, object] = {key: _texts(graph, distribution, p)
                                for key, p in DISTRIBUTION.items()}
    facts["byte size"] = {int(float(v)) for v in facts["byte size"]}  # type: ignore[union-attr]
    facts["licence title"] = set().union(*(_texts(graph, lic, DCTERMS.title)
                                           for lic in graph.objects(distribution, DCTERMS.license)))
    facts["rights"] = set().union(*(_texts(graph, r, RDFS.label)
                                    for r in graph.objects(distribution, DCTERMS.rights)))
    facts["checksum"] = _texts(graph, distribution, URIRef("http://spdx.org/rdf/terms#checksum"))
    facts["download URL stated"] = graph.value(distribution, DCAT.downloadURL) is not None
    return facts


def test_every_dataset_on_the_portal_states_what_the_local_catalog_states(both: dict) -> None:
    for name in both["names"]:
        uri = URIRef(both["info"].dataset_uri(name))
        local = Graph().parse(both["root"] / name / "dataset.ttl", format="turtle")
        portal = _ttl(f"{both['ckan']['CKAN_URL']}/dataset/{name}.ttl")
        assert (uri, None, None) in portal, f"{name}: the portal names the dataset by its URI"
        expected, got = _facts(local, uri), _facts(portal, uri)
        assert len(expected["files"]) >= 2, name  # type: ignore[arg-type]
        assert set(got["files"]) == set(expected["files"]), name  # type: ignore[arg-type]
        for key in expected:
            if key != "files":
                assert got[key] == expected[key], f"{name}: {key}"
        for file, stated in expected["files"].items():  # type: ignore[union-attr]
            for key in stated:
                assert got["files"][file][key] == stated[key], f"{name}, {file}: {key}"  # type: ignore[index]


def test_portal_downloads_are_the_local_files_with_a_valid_content_type(both: dict) -> None:
    for name in both["names"]:
        portal = _ttl(f"{both['ckan']['CKAN_URL']}/dataset/{name}.ttl")
        uri = URIRef(both["info"].dataset_uri(name))
        for distribution in portal.objects(uri, DCAT.distribution):
            url = str(portal.value(distribution, DCAT.downloadURL))
            assert url.startswith(both["ckan"]["CKAN_URL"]), (name, url)
            response = requests.get(url, timeout=60)
            assert response.status_code == 200, url
            local = both["root"] / name / url.rsplit("/", 1)[1]
            assert hashlib.sha256(response.content).hexdigest() == _sha256(local), url
            media = str(portal.value(distribution, DCAT.mediaType)).rsplit("media-types/", 1)[1]
            assert response.headers["Content-Type"].split(";")[0] == media, url


def test_the_portal_catalog_lists_every_dataset_by_its_catalog_uri(both: dict) -> None:
    listed: set[str] = set()
    for page in range(1, 50):  # 100 datasets a page; the session's CKAN holds other tests' too
        graph = _ttl(f"{both['ckan']['CKAN_URL']}/catalog.ttl?page={page}")
        found = {str(o) for o in graph.objects(None, DCAT.dataset)}
        if not found:
            break
        listed |= found
    assert {both["info"].dataset_uri(name) for name in both["names"]} <= listed


def test_portal_rdf_conforms_and_scores_as_the_local_rdf(both: dict) -> None:
    """DCAT-AP 2.1.1 and GovData's v20_de_spec_implr find no violation in the portal's RDF of
    our datasets, and the MQA score of each equals the local one (printed with -s)."""
    shapes = reference.find(both["project"])
    for name in both["names"]:
        uri = URIRef(both["info"].dataset_uri(name))
        portal = _ttl(f"{both['ckan']['CKAN_URL']}/dataset/{name}.ttl")
        mine = {str(uri)} | {str(d) for d in portal.objects(uri, DCAT.distribution)}
        conforms = True
        for profile in ("dcat_ap_211", "v20_de_spec_implr"):
            errors = [f for f in shacl.validate(portal, shapes, profile)
                      if f.severity == "error" and f.focus in mine]
            assert errors == [], (name, profile, errors)
            conforms = conforms and not errors
        score = mqa.score(portal, uri, conforms=conforms, reachable=_answers)
        local = _marker_score(both["root"] / name)
        print(f"MQA {name}: lokal {local}, Portal {score['score']}")
        assert score["score"] == local, (name, score["missing"])


def _answers(url: str) -> bool:
    return requests.head(url, timeout=30, allow_redirects=True).status_code == 200


def _marker_score(folder: Path) -> int:
    import json

    marker = json.loads((folder / ".kennzahlen.json").read_text(encoding="utf-8"))
    return int(marker["metadata_quality"]["score"])


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
