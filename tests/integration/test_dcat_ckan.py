"""DCAT-AP.de on the real CKAN: what ckanext-dcatde reads is there in the exact form, and the RDF
that CKAN's ckanext-dcat serves back conforms to the DCAT-AP 2.1.1 shapes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
import yaml
from rdflib import Graph

from flows.adapters.ckan.mapping import EXTRA_ROWS, RESOURCE_FIELDS, extra, extras_from_ckan
from flows.metadata import reference, shacl
from tests.integration.portal import ckan_target, own_copy, publish

pytestmark = pytest.mark.integration
URI = re.compile(r"^(https?|mailto):\S+$")
FORM_CHECKS = {
    "uri": lambda v: bool(URI.match(v)),
    "date": lambda v: bool(re.match(r"^\d{4}-\d{2}-\d{2}", v)),
    "json-uri-list": lambda v: all(URI.match(i) for i in json.loads(v)) and json.loads(v) != [],
    "text": lambda v: bool(v.strip()),
}


@pytest.fixture(scope="module")
def published(ckan: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One example dataset with a period, published once for all tests of this module."""
    import shutil

    from tests.helpers import MONTHLY, ROOT

    project = tmp_path_factory.mktemp("dcat") / "project"
    shutil.copytree(ROOT / "datapackages", project / "datapackages")
    shutil.copytree(ROOT / "schemas", project / "schemas")
    name = own_copy(project, MONTHLY)
    target = ckan_target(ckan)
    result = publish(project, name, target, tmp_path_factory.mktemp("w"))
    assert result.status == "published", result.problems
    return {"name": name, "package": target.call("package_show", id=name), "ckan": ckan,
            "project": project}


@pytest.mark.parametrize("row", [r for r in EXTRA_ROWS if r.dcatde], ids=lambda r: r.ckan_key)
def test_every_extra_ckanext_dcatde_reads_is_set_in_its_form(published: dict, row) -> None:  # noqa: ANN001
    value = extra(published["package"], row.ckan_key)
    assert value, f"extra {row.ckan_key} ({row.dcatde}) missing"
    assert FORM_CHECKS[row.form](value), f"{row.ckan_key}={value!r} is not a {row.form}"


def test_extras_come_back_as_the_declared_metadata(published: dict) -> None:
    from flows.specs import catalog

    declared = catalog.load(published["project"], published["name"]).public_descriptor()["dcat"]
    back = extras_from_ckan(published["package"])["dcat"]
    for key in ("themes", "frequency", "ags", "contributor_id", "language", "access_rights",
                "geocoding_level", "publisher", "identifier"):
        assert back[key] == declared[key], key
    assert back["issued"] == str(declared["issued"])
    assert back["temporal"] == {"start": "2021-01-01", "end": "2025-12-31"}


def test_themes_are_groups_and_resources_carry_dcat_fields(published: dict) -> None:
    package = published["package"]
    assert [g["name"] for g in package["groups"]] == ["gove"]
    for resource in package["resources"]:
        for key in RESOURCE_FIELDS:
            assert resource.get(key) not in (None, ""), (resource["name"], key)
        assert resource["format"].startswith(
            "http://publications.europa.eu/resource/authority/file-type/")
        # a valid Content-Type for the download; the RDF states the IANA IRI (our profile)
        assert resource["mimetype"] in ("text/csv", "application/json")
        assert resource["license"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"


def test_rdf_served_by_ckan_conforms_to_dcat_ap_211(published: dict) -> None:
    url = f"{published['ckan']['CKAN_URL']}/dataset/{published['name']}.ttl"
    response = requests.get(url, timeout=30)
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    findings = shacl.validate(graph, reference.find(published["project"]), "dcat_ap_211")
    assert [f for f in findings if f.severity == "error"] == []
    # stock ckanext-dcat (euro_dcat_ap_2) renders what it knows of our extras; the dcatde:
    # properties need GovData's ckanext-dcatde, whose inputs the tests above check
    for expected in ("data-theme/GOVE", "file-type/CSV", "media-types/text/csv", "dl-by-de/2.0",
                     "dct:temporal", "frequency/MONTHLY", "language/DEU",
                     "municipalityKey/07318000", "access-right/PUBLIC", "dcat:contactPoint",
                     "Stadt Musterstadt"):
        assert expected in response.text, expected


def test_broken_metadata_is_not_published(portal: dict[str, str], project: Path,
                                          tmp_path: Path) -> None:
    name = own_copy(project, "online-dienste")
    path = project / "datapackages" / name / "datapackage.yaml"
    descriptor = yaml.safe_load(path.read_text(encoding="utf-8"))
    descriptor["dcat"]["themes"] = ["KULTUR"]
    path.write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")
    target = ckan_target(portal)
    result = publish(project, name, target, tmp_path / "w")
    assert result.status == "invalid"
    assert [p.code for p in result.errors] == ["metadata-invalid"]
    assert target.actions == []
    assert requests.get(f"{portal['CKAN_URL']}/api/3/action/package_show?id={name}",
                        timeout=30).status_code == 404
