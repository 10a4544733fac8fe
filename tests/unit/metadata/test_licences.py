"""The licence register CKAN gets (`licenses_group_url`) is the dcat-ap.de licence vocabulary."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from flows.metadata import reference
from flows.metadata import vocabularies as voc
from tests.helpers import ROOT


def test_register_entries_are_named_by_their_uri_and_titled_as_the_vocabulary() -> None:
    vocabulary = Graph().parse(reference.find(ROOT) / "dcat-ap-de" / "vocab"
                             / "dcat-ap-de-licenses-open.rdf")
    register = voc.licence_register()
    assert len(register) == len(voc.LICENCES)
    for entry in register:
        assert entry["id"] == entry["url"] and entry["id"].startswith(voc.LICENCE_BASE)
        labels = {str(label).strip() for label in vocabulary.objects(URIRef(entry["id"]),
                                                                   SKOS.prefLabel)
                  if label.language == "de"}
        assert labels == {entry["title"]}, entry["id"]
