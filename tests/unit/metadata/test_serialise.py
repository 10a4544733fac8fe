"""RDF files are the same bytes for the same graph, with one lexical form per literal."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from flows.adapters.local.target import LocalCatalog
from flows.metadata import dcat, serialise
from flows.metadata import descriptor as metadata
from flows.specs import catalog
from tests.helpers import ROOT

NAME = "bibliothek-ausleihen"


def _graph() -> Graph:
    """A fresh graph each call: rdflib names its blank nodes (period, contact) anew."""
    descriptor = catalog.load(ROOT, NAME).public_descriptor()
    descriptor["dcat"]["temporal"] = {"start": "2025-01-01", "end": "2025-12-31"}
    files = [dcat.Distribution("ausleihen.csv", "Ausleihen", "", "csv", "text/csv", 1617)]
    return dcat.dataset_graph(descriptor, metadata.load_catalog(ROOT),
                              "2026-01-01T00:00:00+00:00", files)


def test_the_same_graph_gives_the_same_text_in_both_formats() -> None:
    for suffix in serialise.FORMATS:
        first, second = (serialise.serialise(_graph(), suffix) for _ in range(2))
        assert first == second, suffix
        assert "<dcat:contactPoint>" in first or "dcat:contactPoint [" in first


def test_a_byte_size_has_one_lexical_form_in_turtle_and_rdf_xml() -> None:
    turtle = serialise.serialise(_graph(), "ttl")
    xml = serialise.serialise(_graph(), "rdf")
    assert 'dcat:byteSize "1617"^^xsd:decimal' in turtle and "1617.0" not in turtle
    assert "#decimal\">1617</dcat:byteSize>" in xml
    assert Graph().parse(data=turtle, format="turtle").isomorphic(
        Graph().parse(data=xml, format="xml"))


def test_an_unchanged_catalog_is_not_rewritten(tmp_path: Path) -> None:
    folder = tmp_path / NAME
    folder.mkdir()
    (folder / "datapackage.json").write_text(json.dumps({"name": NAME, "title": "x"}))
    (folder / "dataset.ttl").write_text(serialise.serialise(_graph(), "ttl"))
    (folder / ".kennzahlen.json").write_text('{"published_at": "2026-01-01T00:00:00+00:00"}')
    LocalCatalog(tmp_path, metadata.load_catalog(ROOT)).finish()
    written = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in _rdf_files(tmp_path)}
    LocalCatalog(tmp_path, metadata.load_catalog(ROOT)).finish()
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in _rdf_files(tmp_path)} == written
    assert set(written) == {"catalog.ttl", "catalog.rdf"}


def _rdf_files(folder: Path) -> list[Path]:
    return [folder / "catalog.ttl", folder / "catalog.rdf"]
