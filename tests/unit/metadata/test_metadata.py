"""DCAT-AP.de metadata: checks with German messages, derived values, SHACL and the MQA score."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from flows.adapters.local.target import LocalCatalog
from flows.metadata import dcat, mqa, reference, shacl
from flows.metadata import descriptor as metadata
from flows.run import prepare, sequence
from flows.specs import catalog
from tests.helpers import ROOT

REF = reference.find(ROOT)
NAME = "fallzahlen-verwaltungsleistungen-musterstadt"


def _descriptor(**dcat_changes: object) -> dict:
    descriptor = catalog.load(ROOT, NAME).public_descriptor()
    descriptor["dcat"].update(dcat_changes)
    return descriptor


def _edit(project: Path, name: str, change) -> None:  # noqa: ANN001
    path = catalog.load(project, name, check=False).folder / "datapackage.yaml"
    descriptor = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")


def test_shipped_descriptors_pass_the_checks() -> None:
    for name in catalog.dataset_names(ROOT):
        assert metadata.check(catalog.load(ROOT, name).public_descriptor(), name, REF) == []


@pytest.mark.parametrize(("change", "field", "words"), [
    (lambda d: d["licenses"][0].update(path="https://creativecommons.org/licenses/by/4.0/"),
     "licenses.0.path", "keine Lizenz aus der DCAT-AP.de-Liste"),
    (lambda d: d["licenses"][0].update(path="http://dcat-ap.de/def/licenses/dl-by-de/2.0/"),
     "licenses.0.path", "ohne Schrägstrich"),
    (lambda d: d["dcat"].update(themes=["KULTUR"]), "dcat.themes", "kein EU-Datenthema"),
    (lambda d: d["dcat"].update(ags="0731800"), "dcat.ags", "genau 8 Ziffern"),
    (lambda d: d["dcat"].update(ags="99318000"), "dcat.ags", "das Land (01–16)"),
    (lambda d: d["contributors"][0].update(email="buergerbuero(at)musterstadt"),
     "contributors.maintainer.email", "keine gültige E-Mail-Adresse"),
    (lambda d: d["dcat"].update(frequency="SOMETIMES"), "dcat.frequency", "MONTHLY"),
    (lambda d: d["dcat"].update(contributor_id=["https://example.org/me"]), "dcat.contributor_id",
     "genau eine ID"),
    (lambda d: d["dcat"].update(musterdatensatz={
        "uri": "https://musterdatenkatalog.de/def/musterdatensatz/buergerservice/gibtsnicht",
        "label": "x"}), "dcat.musterdatensatz.uri", "nicht im Musterdatenkatalog"),
    (lambda d: d["dcat"].pop("issued"), "dcat.issued", "fehlt"),
])
def test_bad_metadata_is_a_clear_problem_and_nothing_is_published(
        project: Path, tmp_path: Path, change, field: str, words: str) -> None:  # noqa: ANN001
    _edit(project, NAME, change)
    target = LocalCatalog(tmp_path / "catalog", metadata.load_catalog(project))
    result = sequence.process(project, NAME, [target], tmp_path / "w")
    assert result.status == "invalid"
    assert [(p.code[:9], p.field) for p in result.errors] == [("metadata-", field)]
    assert words in result.errors[0].message
    assert result.errors[0].hint and result.errors[0].file == "datapackage.yaml"
    assert not (tmp_path / "catalog" / NAME).exists()


def test_defaults_come_from_catalog_yaml_and_a_dataset_may_override_them(project: Path) -> None:
    _edit(project, "online-dienste", lambda d: d["dcat"].update(access_rights="RESTRICTED"))
    own = catalog.load(project, "online-dienste").public_descriptor()["dcat"]
    inherited = catalog.load(project, NAME).public_descriptor()["dcat"]
    assert own["access_rights"] == "RESTRICTED" and inherited["access_rights"] == "PUBLIC"
    assert own["ags"] == inherited["ags"] == "07318000"


def test_temporal_coverage_is_derived_from_the_data() -> None:
    descriptor = _descriptor()
    columns = {"fallzahlen": {"monat": ["2021-03-01", "2025-11-01", "", "2022-01-01"]}}
    assert metadata.temporal(descriptor, columns) == {"start": "2021-03-01", "end": "2025-11-30"}
    descriptor["dcat"]["temporal_unit"] = "day"
    assert metadata.temporal(descriptor, columns)["end"] == "2025-11-01"
    descriptor["dcat"]["temporal_field"] = False
    assert metadata.temporal(descriptor, columns) == {}


def _graph(descriptor: dict):  # noqa: ANN202
    files = [dcat.Distribution("fallzahlen.csv", "Fallzahlen", "", "csv", "text/csv", 1234)]
    return dcat.dataset_graph(descriptor, metadata.load_catalog(ROOT), "2026-01-01T00:00:00+00:00",
                              files)


def test_generated_rdf_conforms_to_govdatas_profile() -> None:
    descriptor = _descriptor(temporal={"start": "2021-01-01", "end": "2025-12-31"})
    cat = metadata.load_catalog(ROOT)
    assert shacl.validate(dcat.catalog_graph(cat, [_graph(descriptor)], "2026-01-01T00:00:00Z"),
                          REF) == []


def test_a_broken_description_yields_the_expected_violations() -> None:
    graph = _graph(_descriptor())
    dataset = URIRef(metadata.load_catalog(ROOT).dataset_uri(NAME))
    graph.remove((dataset, DCTERMS.description, None))
    graph.remove((dataset, dcat.DCATDE.contributorID, None))
    for dist in graph.objects(dataset, dcat.DCAT.distribution):
        graph.set((dist, DCTERMS.format, Literal("CSV")))
    graph.set((dataset, DCTERMS.accrualPeriodicity,
               URIRef("http://publications.europa.eu/resource/authority/frequency/SOMETIMES")))
    errors = [f for f in shacl.validate(graph, REF) if f.severity == "error"]
    # the shapes' own German messages, one or more per broken property
    for words in ("dcatde:contributorID MUSS", "dct:description MUSS vorhanden",
                  "dct:format MUSS eine IRI", "dct:accrualPeriodicity MUSS eine IRI"):
        assert any(words in f.message for f in errors), words
    assert {f.value for f in errors if "accrualPeriodicity" in f.message} == {
        "http://publications.europa.eu/resource/authority/frequency/SOMETIMES"}


def _broken_graph():  # noqa: ANN202
    graph = _graph(_descriptor())
    dataset = URIRef(metadata.load_catalog(ROOT).dataset_uri(NAME))
    graph.remove((dataset, DCTERMS.description, None))
    for dist in graph.objects(dataset, dcat.DCAT.distribution):
        graph.set((dist, DCTERMS.format, Literal("CSV")))
    base = "http://publications.europa.eu/resource/authority/"
    graph.set((dataset, DCTERMS.language, URIRef(base + "language/XXX")))
    graph.add((dataset, dcat.DCAT.theme, URIRef(base + "data-theme/XXXX")))
    return graph


def test_only_the_reachable_vocabulary_is_merged_and_findings_stay_the_same(
        monkeypatch: pytest.MonkeyPatch) -> None:
    cat = metadata.load_catalog(ROOT)
    graphs = [dcat.catalog_graph(cat, [_graph(catalog.load(ROOT, name).public_descriptor())],
                                 "2026-01-01T00:00:00Z")
              for name in sorted(p.name for p in (ROOT / "datapackages").iterdir() if p.is_dir())]
    graphs.append(_broken_graph())
    vocabularies = shacl._vocabularies(REF)
    merged = [len(shacl.reachable(g, vocabularies)) for g in graphs]
    assert all(0 < n < len(vocabularies) / 5 for n in merged), merged
    ours = [sorted(map(repr, shacl.validate(g, REF))) for g in graphs]
    monkeypatch.setattr(shacl, "reachable", lambda _data, vocabularies: vocabularies)
    whole = [sorted(map(repr, shacl.validate(g, REF))) for g in graphs]
    assert ours == whole
    assert ours[-1] and any("data-theme/XXXX" in f for f in ours[-1])


def test_stand_ins_cover_only_checked_codes() -> None:
    graph = _graph(_descriptor())
    extra = shacl.stand_ins(graph, shacl._vocabularies(REF))
    schemes = {str(o) for o in extra.objects()}
    assert "http://publications.europa.eu/resource/authority/frequency" in schemes
    graph.set((URIRef(metadata.load_catalog(ROOT).dataset_uri(NAME)), DCTERMS.language,
               URIRef("http://publications.europa.eu/resource/authority/language/XXX")))
    subjects = {str(s) for s in shacl.stand_ins(graph, shacl._vocabularies(REF)).subjects()}
    assert not any(s.endswith("/XXX") for s in subjects)


def test_mqa_score_of_a_complete_dataset_is_excellent_and_names_missing_points() -> None:
    descriptor = _descriptor(temporal={"start": "2021-01-01", "end": "2025-12-31"})
    graph = _graph(descriptor)
    dataset = URIRef(metadata.load_catalog(ROOT).dataset_uri(NAME))
    full = mqa.score(graph, dataset, conforms=True, reachable=lambda url: True)
    assert (full["score"], full["max"], full["rating"], full["missing"]) == (405, 405,
                                                                              "ausgezeichnet", [])
    graph.remove((dataset, DCTERMS.temporal, None))
    less = mqa.score(graph, dataset, conforms=False, reachable=lambda url: False)
    assert less["score"] == 405 - 20 - 30 - 50 - 30
    assert {m["criterion"] for m in less["missing"]} == {
        "zeitliche Abdeckung (dct:temporal)", "DCAT-AP-konform (SHACL-Prüfung ohne Verstoß)",
        "Zugangs-URL erreichbar", "Download-URL erreichbar"}
    assert mqa.rating(351) == "ausgezeichnet" and mqa.rating(350) == "gut"
    assert mqa.rating(221) == "gut" and mqa.rating(120) == "mangelhaft"


def test_missing_shapes_are_a_warning_with_a_remedy(project: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reference, "find", lambda project=None: None)
    result = prepare.prepare(project, NAME, None).result
    assert result.status == "valid"
    (warning,) = [p for p in result.problems if p.code == "metadata-shapes-missing"]
    assert warning.severity == "warning" and "reference download" in warning.hint
    assert result.metadata_quality["score"] == 405 - 30
