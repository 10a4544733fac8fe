"""A Stadtverbund on the real CKAN: datasets of two members land in one organization per member,
created with the member's title and publisher, and the RDF that CKAN serves per member (its
organization's catalog and each dataset) names that member as publisher with its AGS."""

from __future__ import annotations

import os
import shutil

import pytest
import requests
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

from flows.metadata import dcat
from tests.helpers import ROOT
from tests.integration.portal import ckan_target, own_copy, publish

pytestmark = pytest.mark.integration

MEMBERS = {"beispielburg": ("online-dienste", "Stadt Beispielburg", "07319000"),
           "weiterdorf": ("digitalisierung-kosten", "Gemeinde Weiterdorf", "06432024")}
"""Member → (example dataset published for it, publisher, AGS)."""
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"


@pytest.fixture(scope="module")
def published(ckan: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Both datasets published once, into organizations this module is the first to use."""
    project = tmp_path_factory.mktemp("members") / "project"
    shutil.copytree(ROOT / "datapackages", project / "datapackages")
    shutil.copytree(ROOT / "schemas", project / "schemas")
    path = project / "datapackages" / "catalog.yaml"
    catalog = yaml.safe_load(path.read_text(encoding="utf-8"))
    orgs = {}
    for member in MEMBERS:
        orgs[member] = f"{catalog['members'][member]['ckan']['owner_org']}-{os.getpid()}"
        catalog["members"][member]["ckan"]["owner_org"] = orgs[member]
    path.write_text(yaml.safe_dump(catalog, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    target = ckan_target(ckan)
    names = {}
    for member, (base, _, _) in MEMBERS.items():
        names[member] = own_copy(project, base)
        internal = project / "datapackages" / names[member] / "dataset.yaml"
        data = yaml.safe_load(internal.read_text(encoding="utf-8"))
        data.pop("ckan")
        data["member"] = member
        internal.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        result = publish(project, names[member], target, tmp_path_factory.mktemp("w"))
        assert result.status == "published", result.problems
    return {"ckan": ckan, "target": target, "orgs": orgs, "names": names}


def _turtle(url: str) -> Graph:
    response = requests.get(url, timeout=60)
    assert response.status_code == 200, url
    return Graph().parse(data=response.text, format="turtle")


def test_each_members_dataset_is_owned_by_its_members_new_organization(published: dict) -> None:
    target = published["target"]
    assert target.actions.count("organization_create") == 2
    for member, (_, publisher, ags) in MEMBERS.items():
        package = target.call("package_show", id=published["names"][member])
        assert package["organization"]["name"] == published["orgs"][member]
        org = target.call("organization_show", id=published["orgs"][member])
        assert org["title"] == publisher
        assert publisher in org["description"]
        extras = {e["key"]: e["value"] for e in org.get("extras") or []}
        assert extras["publisher_name"] == publisher
        assert extras["publisher_uri"] == f"https://www.{member}.example"
        assert extras["publisher_type"].endswith("/LocalAuthority")
        assert extras["political_geocoding_uri"] == GEOCODING + ags


def test_ckan_serves_each_members_catalog_with_only_its_datasets(published: dict) -> None:
    url = published["ckan"]["CKAN_URL"]
    for member, (_, publisher, ags) in MEMBERS.items():
        graph = _turtle(f"{url}/catalog.ttl?q=organization:{published['orgs'][member]}")
        datasets = {str(d).rsplit("/", 1)[1] for d in graph.subjects(RDF.type, dcat.DCAT.Dataset)
                    if isinstance(d, URIRef)}
        assert datasets == {published["names"][member]}, member
        dataset = next(graph.subjects(RDF.type, dcat.DCAT.Dataset))
        agent = graph.value(dataset, DCTERMS.publisher)
        assert graph.value(agent, FOAF.name) == Literal(publisher)
        assert URIRef(GEOCODING + ags) in set(graph.objects(dataset, DCTERMS.spatial))
