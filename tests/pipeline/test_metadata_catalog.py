"""DCAT-AP.de metadata of whole pipeline runs into the local catalog: stable RDF, the score on
the catalog pages (the checks themselves are unit-tested in tests/unit/metadata)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from flows.adapters.local.target import LocalCatalog
from flows.metadata import dcat, reference, shacl
from flows.metadata import descriptor as metadata
from flows.run import sequence
from tests.helpers import ROOT

REF = reference.find(ROOT)
NAME = "fallzahlen-verwaltungsleistungen-musterstadt"


def test_local_catalog_rdf_is_stable_harvestable_and_unchanged_runs_do_not_write(
        project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rdflib import Graph

    monkeypatch.setenv("KENNZAHLEN_BASE_URL", "https://opendata.example.org/kz/")
    cat = metadata.load_catalog(project)
    target = LocalCatalog(tmp_path / "catalog", cat)
    for name in ("online-dienste", NAME):
        assert sequence.process(project, name, [target], tmp_path / "w1").status == "published"
    target.finish()
    ttl = tmp_path / "catalog" / "catalog.ttl"
    graph = Graph().parse(ttl)
    datasets = sorted(str(o) for o in graph.objects(URIRef("https://opendata.example.org/kz/"),
                                                    dcat.DCAT.dataset))
    assert datasets == [f"https://opendata.example.org/kz/{n}"
                        for n in ("fallzahlen-verwaltungsleistungen-musterstadt", "online-dienste")]
    assert shacl.validate(graph, REF) == []
    assert len(Graph().parse(tmp_path / "catalog" / "catalog.rdf")) == len(graph)
    assert (tmp_path / "catalog" / NAME / "dataset.ttl").is_file()
    before = (ttl.stat().st_mtime_ns, ttl.stat().st_ino)
    for name in ("online-dienste", NAME):
        assert sequence.process(project, name, [target], tmp_path / "w2").status == "unchanged"
    target.finish()
    assert (ttl.stat().st_mtime_ns, ttl.stat().st_ino) == before


def test_score_and_rdf_links_appear_on_the_catalog_pages(project: Path, tmp_path: Path) -> None:
    target = LocalCatalog(tmp_path / "catalog", metadata.load_catalog(project))
    sequence.process(project, NAME, [target], tmp_path / "w")
    target.finish()
    index = (tmp_path / "catalog" / "index.html").read_text(encoding="utf-8")
    page = (tmp_path / "catalog" / NAME / "index.html").read_text(encoding="utf-8")
    # the score is technical: in the developers' section of the dataset page, not on the index
    assert "catalog.ttl" in index and "Punkten" not in index
    technical = page[page.index('<h2 id="technik">'):]
    assert "405 von 405 Punkten nach der Metadaten-Qualitätsbewertung (MQA) von " \
        "data.europa.eu: ausgezeichnet. Die Prüfung gegen DCAT-AP.de (SHACL) fand keinen " \
        "Verstoß." in technical
    assert 'href="dataset.ttl"' in technical
