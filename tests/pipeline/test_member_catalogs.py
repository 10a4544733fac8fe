"""A Stadtverbund's local catalog: datasets of two members and one of the association, the joint
catalog with all of them and one DCAT-AP.de catalog per member, each conforming to GovData's
SHACL shapes, and the member datasets scored by MQA as a single town's datasets are."""

from __future__ import annotations

from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from flows.adapters.local.target import LocalCatalog
from flows.metadata import dcat, shacl
from flows.metadata import descriptor as metadata
from flows.run import sequence
from flows.specs.members import load_association, load_members
from tests.helpers import shared_reference

BASE = "https://daten.musterstadt.example/kennzahlen"
CHOSEN = {"bibliothek-ausleihen": "beispielburg", "digitalisierung-kosten": "weiterdorf",
          "online-dienste": None}
"""Dataset → member (None: the association's own)."""
UNSCORED = {"bibliothek-ausleihen": [],
            "digitalisierung-kosten": ["zeitliche Abdeckung (dct:temporal)"]}
"""What MQA misses in a member dataset: what it misses in the dataset of a single town too."""
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"


def _assign(project: Path) -> None:
    for name, member in CHOSEN.items():
        path = project / "datapackages" / name / "dataset.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.pop("member", None)
        if member:
            data["member"] = member
            data.pop("ckan", None)
        else:
            data.setdefault("ckan", {"owner_org": "stadt-musterstadt"})
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")


def _datasets(graph: Graph, node: str) -> list[str]:
    return sorted(str(o).rsplit("/", 1)[1] for o in graph.objects(URIRef(node), dcat.DCAT.dataset))


def test_each_member_gets_its_own_conforming_catalog_beside_the_joint_one(
        project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("KENNZAHLEN_BASE_URL", raising=False)
    _assign(project)
    root = tmp_path / "catalog"
    target = LocalCatalog(root, metadata.load_catalog(project), load_members(project),
                          load_association(project))
    for name in CHOSEN:
        assert sequence.process(project, name, [target], tmp_path / "w").status == "published"
    target.finish()
    reference = shared_reference()

    joint = Graph().parse(root / "catalog.ttl")
    assert _datasets(joint, f"{BASE}/") == sorted(CHOSEN)
    assert shacl.validate(joint, reference) == []

    for member_id, expected_town, ags in (("beispielburg", "Stadt Beispielburg", "07319000"),
                                          ("weiterdorf", "Gemeinde Weiterdorf", "06432024")):
        folder = root / "mitglieder" / member_id
        graph = Graph().parse(folder / "catalog.ttl")
        node = URIRef(f"{BASE}/mitglieder/{member_id}/")
        mine = [n for n, m in CHOSEN.items() if m == member_id]
        assert (node, RDF.type, dcat.DCAT.Catalog) in graph
        assert _datasets(graph, str(node)) == mine
        assert str(graph.value(node, DCTERMS.title)).startswith(f"Kennzahlen der {expected_town}")
        publisher = graph.value(node, DCTERMS.publisher)
        assert graph.value(publisher, FOAF.name) == Literal(expected_town)
        dataset = URIRef(f"{BASE}/{mine[0]}")  # the dataset keeps its URI of the joint catalog
        assert graph.value(graph.value(dataset, DCTERMS.publisher), FOAF.name) == Literal(
            expected_town)
        assert URIRef(GEOCODING + ags) in set(graph.objects(dataset, dcat.DCATDE.
                                                            politicalGeocodingURI))
        assert shacl.validate(graph, reference) == [], member_id
        assert len(Graph().parse(folder / "catalog.rdf")) == len(graph)
        quality = yaml.safe_load((root / mine[0] / ".kennzahlen.json").read_text())[
            "metadata_quality"]
        assert quality["shacl_checked"] and quality["rating"] == "ausgezeichnet"
        assert [m["criterion"] for m in quality["missing"]] == UNSCORED[mine[0]]

    # a member without datasets yet still has its (empty) catalog at a stable address
    empty = Graph().parse(root / "mitglieder" / "musterstadt" / "catalog.ttl")
    assert _datasets(empty, f"{BASE}/mitglieder/musterstadt/") == []

    # the association's own dataset is only in the joint catalog
    for member_id in ("beispielburg", "weiterdorf", "musterstadt"):
        text = (root / "mitglieder" / member_id / "catalog.ttl").read_text(encoding="utf-8")
        assert "online-dienste" not in text

    # a member no longer declared loses its catalog with the next finish
    LocalCatalog(root, metadata.load_catalog(project),
                 {k: v for k, v in load_members(project).items() if k != "musterstadt"}).finish()
    assert not (root / "mitglieder" / "musterstadt").exists()
    assert (root / "mitglieder" / "beispielburg" / "catalog.ttl").is_file()
