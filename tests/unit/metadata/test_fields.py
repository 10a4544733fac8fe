"""The DCAT field table drives the metadata check, the RDF graph and the CKAN mapping."""

from __future__ import annotations

import copy

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from flows.adapters.ckan import mapping
from flows.metadata import dcat, fields, reference
from flows.metadata import descriptor as metadata
from flows.metadata.fields import DATASET_FIELDS, DISTRIBUTION_FIELDS, Ckan, DcatField
from flows.specs import catalog
from tests.helpers import ROOT

REF = reference.find(ROOT)
NAME = "fallzahlen-verwaltungsleistungen-musterstadt"
STAMP = "2026-01-01T00:00:00+00:00"


def _full() -> dict:
    """A shipped descriptor with every field of the table set."""
    descriptor = catalog.load(ROOT, NAME).public_descriptor()
    descriptor["dcat"]["temporal"] = {"start": "2021-01-01", "end": "2025-12-31"}
    descriptor["contributors"].append({"title": "Amt B", "email": "b@example.org",
                                       "roles": ["author"]})
    return descriptor


def _graph(descriptor: dict) -> Graph:
    files = [dcat.Distribution("fallzahlen.csv", "Fallzahlen", "Je Monat", "csv", "text/csv", 1234)]
    return dcat.dataset_graph(descriptor, metadata.load_catalog(ROOT), STAMP, files)


def _dataset() -> URIRef:
    return URIRef(metadata.load_catalog(ROOT).dataset_uri(NAME))


def _term(row: DcatField, value: object) -> URIRef | Literal:
    """The object a generic row makes of one value."""
    return {"text": lambda: Literal(value, lang=dcat.LANG),
            "date": lambda: Literal(str(value), datatype=ns.XSD.date),
            "literal": lambda: Literal(str(value))}.get(
        row.kind, lambda: URIRef(row.base + str(value)))()


def _ckan_back(target: Ckan, descriptor: dict) -> dict:
    """The descriptor values CKAN gives back when it holds only this one field."""
    if target.extra:
        value = mapping.extras_to_ckan(descriptor)[target.key]
        return mapping.extras_from_ckan({"extras": [{"key": target.key, "value": value}]})
    return mapping.from_ckan({target.key: mapping.to_ckan(descriptor)[target.key]})


MAPPED = [row for row in DATASET_FIELDS if row.ckan and row.predicate is not None]


@pytest.mark.parametrize("row", MAPPED, ids=lambda r: r.key)
def test_a_row_with_a_predicate_and_a_ckan_key_is_stated_mapped_and_comes_back(
        row: DcatField) -> None:
    descriptor = _full()
    value = row.get(descriptor)
    assert value not in (None, "", []), "the full descriptor sets every mapped field"
    graph = _graph(descriptor)
    assert (_dataset(), row.predicate, None) in graph
    if row.kind not in dcat.STATEMENTS:
        for item in value if row.many else [value]:
            assert (_dataset(), row.predicate, _term(row, item)) in graph
        if row.obligation != "mandatory":
            row.put(descriptor, None)
            assert (_dataset(), row.predicate, None) not in _graph(descriptor)
    for target in row.ckan:
        expected = sorted(dcat.keywords(_full())) if target.form == "tags" else value
        assert row.get(_ckan_back(target, _full())) == expected, target.key


def test_a_new_row_is_checked_stated_and_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    base = "https://example.org/norm/"
    row = DcatField("dcat.conforms_to", ns.DCTERMS.conformsTo, "uri", base, {"A": "Norm A"},
                    missing="die Norm, z. B. A", invalid="'{value}' ist keine Norm ({codes}).",
                    ckan=(Ckan("conformsTo", "uri", extra=True),))
    descriptor = _full()
    table = (*DATASET_FIELDS, row)
    for module in (metadata, dcat, mapping):
        monkeypatch.setattr(module, "DATASET_FIELDS", table)
    monkeypatch.setattr(mapping, "EXTRA_ROWS", mapping._rows(extras=True))
    assert [(p.code, p.field) for p in metadata.check(descriptor, NAME, REF)] == [
        ("metadata-missing", "dcat.conforms_to")]
    descriptor["dcat"]["conforms_to"] = "B"
    assert [p.message.split(": ", 1)[1] for p in metadata.check(descriptor, NAME, REF)] == [
        "'B' ist keine Norm (A)."]
    descriptor["dcat"]["conforms_to"] = "A"
    assert metadata.check(descriptor, NAME, REF) == []
    assert (_dataset(), ns.DCTERMS.conformsTo, URIRef(base + "A")) in _graph(descriptor)
    extras = mapping.extras_to_ckan(descriptor)
    assert extras["conformsTo"] == base + "A"
    back = mapping.extras_from_ckan({"extras": [{"key": "conformsTo", "value": base + "A"}]})
    assert back == {"dcat": {"conforms_to": "A"}}


@pytest.mark.parametrize("row", [r for r in DATASET_FIELDS if r.missing], ids=lambda r: r.key)
def test_check_reports_every_field_the_table_says_must_be_present(row: DcatField) -> None:
    descriptor = _full()
    row.put(descriptor, None)
    found = metadata.check(descriptor, NAME, REF)
    assert [(p.code, p.field) for p in found] == [("metadata-missing", row.key)]
    assert row.missing in found[0].message


def test_every_mandatory_field_is_checked_and_every_rule_and_kind_is_implemented() -> None:
    for row in DATASET_FIELDS:
        if row.obligation == "mandatory":
            assert row.missing or row.rule, row.key
    assert {r.rule for r in DATASET_FIELDS if r.rule} == set(metadata.RULES)
    generic = {"text", "literal", "date", "uri", "uris"}
    assert {r.kind for r in DATASET_FIELDS} - generic == set(dcat.STATEMENTS)


def test_the_table_is_the_inventory_of_the_graph_and_of_ckan() -> None:
    descriptor = _full()
    graph = _graph(descriptor)
    stated = set(graph.predicates(_dataset(), None)) - {ns.RDF.type}
    assert stated == {r.predicate for r in DATASET_FIELDS if r.predicate is not None}
    for distribution in graph.objects(_dataset(), ns.DCAT.distribution):
        assert set(graph.predicates(distribution, None)) - {ns.RDF.type} == {
            r.predicate for r in DISTRIBUTION_FIELDS}
    keys = {t.key for r in DATASET_FIELDS for t in r.ckan}
    assert set(mapping.to_ckan(descriptor)) | set(mapping.extras_to_ckan(descriptor)) == keys
    assert set(mapping.RESOURCE_FIELDS) == {t.key for r in DISTRIBUTION_FIELDS for t in r.ckan}


def test_rows_name_their_vocabulary_and_paths_reach_contributors_by_role() -> None:
    descriptor = _full()
    assert fields.get(descriptor, "contributors[author].email") == "b@example.org"
    copied = copy.deepcopy(descriptor)
    fields.put(copied, "contributors[editor].title", "Amt C")
    assert copied["contributors"][-1] == {"roles": ["editor"], "title": "Amt C"}
    assert fields.curie(fields.DCATDE.contributorID) == "dcatde:contributorID"
    for row in DATASET_FIELDS:
        if row.codes is not None and row.kind in {"uri", "uris"}:
            assert row.base, row.key
