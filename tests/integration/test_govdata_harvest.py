"""GovData's own harvester as the test client: a second CKAN (2.11, `CKAN_DEV_FLAVOUR=govdata`)
runs ckanext-dcatde 6.10.0 (harvester `dcatde_rdf`, profile `dcatap_de`) with GovData's licence
register and harvests (a) the local catalog served over HTTP and (b) our CKAN's DCAT endpoint.
What GovData would store must be what we declared, field by field; a second harvest of an
unchanged catalog changes nothing.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Graph
from rdflib.namespace import DCAT, DCTERMS, RDF

from flows.adapters.local.target import LocalCatalog
from flows.metadata import vocabularies as voc
from flows.metadata.dcat import attribution, keywords, licence_code, rights
from flows.metadata.descriptor import load_catalog
from flows.run import sequence
from flows.specs import catalog
from tests.helpers import ROOT, ckan_dev, shared_reference
from tests.integration.portal import ckan_target, in_run_order, own_copy

pytestmark = pytest.mark.integration
SETTINGS = {"PORT": "5056", "PG_PORT": "54330", "REDIS_PORT": "63800", "SOLR_PORT": "58984"}
"""Ports of the GovData CKAN; CKAN_DEV_GOVDATA_<name> overrides each."""


@pytest.fixture(scope="module")
def govdata() -> Iterator[dict[str, str]]:
    """The GovData-like CKAN, started for this module (stopped after unless CKAN_DEV_KEEP=1)."""
    env = {**os.environ, "CKAN_DEV_FLAVOUR": "govdata",
           "CKAN_DEV_STATE": os.environ.get("CKAN_DEV_GOVDATA_STATE",
                                            "/tmp/kennzahlen-ckan-govdata")}
    for key, default in SETTINGS.items():
        env[f"CKAN_DEV_{key}"] = os.environ.get(f"CKAN_DEV_GOVDATA_{key}", default)
    # GovData's extension comes from the reference data the tests load (../shared/reference)
    env.setdefault("KENNZAHLEN_DCATDE", str(shared_reference() / "ckanext-dcatde"
                                            / "ckanext-dcatde-6.10.0.tar.gz"))
    with ckan_dev("GovData CKAN", env, timeout=1200) as values:
        _setup(values)
        yield values


def _action(portal: dict[str, str], action: str, **data: Any) -> Any:
    response = requests.post(f"{portal['CKAN_URL']}/api/3/action/{action}", json=data,
                             headers={"Authorization": portal["CKAN_API_TOKEN"]}, timeout=60)
    body = response.json()
    assert body.get("success"), (action, body.get("error"))
    return body["result"]


def _setup(portal: dict[str, str]) -> None:
    """An organization for the harvest sources (scripts/ckan-dev made GovData's theme groups)."""
    themes = json.loads((Path(portal["CKAN_DEV_STATE"]) / "themes.json").read_text())
    assert set(_action(portal, "group_list")) >= set(themes)
    if "musterstadt" not in _action(portal, "organization_list"):
        _action(portal, "organization_create", name="musterstadt", title="Stadt Musterstadt")


def _cli(portal: dict[str, str], *args: str) -> str:
    done = subprocess.run([*shlex.split(portal["CKAN_DEV_CLI"]), *args], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout + done.stderr


def _harvest(portal: dict[str, str], source: str, url: str) -> str:
    """Run one harvest job of the source for `url` (type dcatde_rdf), created if missing (a
    kept GovData CKAN still has the sources of earlier sessions); returns the source's id."""
    known = {s["url"]: s["id"] for s in _action(portal, "harvest_source_list")}
    if url not in known:
        name = f"{source}-{os.getpid()}"
        _cli(portal, "harvester", "source", "create", name, url, "dcatde_rdf", name, "true",
             "musterstadt", "MANUAL", "{}")
        known = {s["url"]: s["id"] for s in _action(portal, "harvest_source_list")}
    _cli(portal, "harvester", "run-test", known[url])
    return known[url]


STAMPS = {"metadata_modified", "id", "package_id", "created", "last_modified", "position",
          "revision_id", "cache_last_updated"}
"""What a harvester job writes anew each time (ids and times; and the harvest_* extras, its
bookkeeping), left out when comparing."""


def _content(package: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in package.items() if k not in STAMPS},
            "extras": {k: v for k, v in package["extras"].items()
                       if k not in STAMPS and not k.startswith("harvest_")},
            "resources": [{k: v for k, v in r.items() if k not in STAMPS}
                          for r in package["resources"]]}


@pytest.fixture(scope="module")
def served(ckan: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """Every shipped dataset published to a local catalog served over HTTP and to our CKAN,
    both with dataset URIs under the served address."""
    root = tmp_path_factory.mktemp("served")
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(SimpleHTTPRequestHandler, directory=str(root)))
    base = f"http://127.0.0.1:{server.server_port}"
    previous = os.environ.get("KENNZAHLEN_BASE_URL")
    os.environ["KENNZAHLEN_BASE_URL"] = base
    project = tmp_path_factory.mktemp("govdata") / "project"
    shutil.copytree(ROOT / "datapackages", project / "datapackages")
    shutil.copytree(ROOT / "schemas", project / "schemas")
    local, portal = LocalCatalog(root, load_catalog(project)), ckan_target(ckan)
    names = in_run_order(project, [own_copy(project, base_name)
                                   for base_name in catalog.dataset_names(ROOT)])
    workdir = tmp_path_factory.mktemp("w")
    try:
        for name in names:
            assert sequence.process(project, name, [local, portal], workdir).status == "published"
        local.finish()
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield {"base": base, "root": root, "names": names, "ckan": ckan}
    finally:
        server.shutdown()
        if previous is None:
            os.environ.pop("KENNZAHLEN_BASE_URL", None)
        else:
            os.environ["KENNZAHLEN_BASE_URL"] = previous


def _harvested(portal: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The harvested datasets, by their `uri` extra."""
    found = {}
    for name in _action(portal, "package_list"):
        package = _action(portal, "package_show", id=name)
        extras = {e["key"]: e["value"] for e in package.get("extras") or []}
        if extras.get("uri"):
            found[extras["uri"]] = {**package, "extras": extras}
    return found


def _expected(served: dict, name: str) -> dict[str, Any]:
    """What we declared (and derived) for the dataset: its published descriptor."""
    return json.loads((served["root"] / name / "datapackage.json").read_text(encoding="utf-8"))


def _titles(served: dict, name: str) -> list[str]:
    graph = Graph().parse(served["root"] / name / "dataset.ttl", format="turtle")
    return [str(graph.value(d, DCTERMS.title)) for d in graph.subjects(RDF.type,
                                                                       DCAT.Distribution)]


def _assert_declared(package: dict[str, Any], declared: dict[str, Any], downloads: str,
                     titles: list[str]) -> None:
    """`titles`: the files' titles as the local catalog states them."""
    block, extras = declared["dcat"], package["extras"]
    uri = block["uri"]
    assert package["title"] == declared["title"]
    assert package["notes"] == declared["description"]
    assert package["url"] == f"{uri}/"
    assert sorted(t["name"] for t in package["tags"]) == sorted(keywords(declared))
    assert package["license_id"] == voc.LICENCE_BASE + licence_code(declared), "licence"
    assert extras["identifier"] == block["identifier"]
    assert json.loads(extras["contributorID"]) == block["contributor_id"]
    assert json.loads(extras["politicalGeocodingURI"]) == [
        voc.MUNICIPALITY_KEY_BASE + block["ags"]]
    assert extras["politicalGeocodingLevelURI"] == voc.LEVEL_BASE + block["geocoding_level"]
    assert json.loads(extras["references"]) == [block["musterdatensatz"]["uri"]]
    assert json.loads(extras["theme"]) == [voc.THEME_BASE + t for t in block["themes"]]
    assert extras["frequency"] == voc.FREQUENCY_BASE + block["frequency"]
    assert json.loads(extras["language"]) == [voc.LANGUAGE_BASE + c for c in block["language"]]
    assert extras["access_rights"] == voc.ACCESS_RIGHTS_BASE + block["access_rights"]
    assert extras["issued"] == str(block["issued"])
    period = block.get("temporal") or {}
    assert (extras.get("temporal_start"), extras.get("temporal_end")) == (
        period.get("start"), period.get("end"))
    assert (extras["publisher_name"], extras["publisher_uri"]) == (
        block["publisher"]["name"], block["publisher"]["uri"])
    assert extras["publisher_type"] == voc.PUBLISHER_TYPE_BASE + block["publisher"]["type"]
    contact = next(c for c in declared["contributors"] if "maintainer" in c.get("roles", []))
    assert (extras["contact_name"], extras["contact_email"]) == (contact["title"],
                                                                 contact["email"])
    assert extras["spatial_text"] == block["place"]
    assert json.loads(extras["spatial_centroid"])["coordinates"] == [
        float(x) for x in block["centroid"].removeprefix("POINT(").rstrip(")").split()]
    assert sorted(r["name"] for r in package["resources"]) == sorted(titles)
    for resource in package["resources"]:
        assert resource["license"] == voc.LICENCE_BASE + licence_code(declared)
        assert resource["licenseAttributionByText"] == attribution(declared)
        assert resource["rights"] == rights(declared)
        assert resource["issued"] == str(block["issued"])
        assert resource["availability"] == voc.AVAILABILITY_BASE + "STABLE"
        assert resource["mimetype"].startswith(voc.IANA_BASE)
        assert resource["format"].startswith(voc.FILE_TYPE_BASE)
        assert resource["download_url"].startswith(downloads), resource["download_url"]
        assert int(resource["size"]) > 0


def test_govdata_harvest_of_the_local_catalog_keeps_every_declared_field(
        govdata: dict[str, str], served: dict) -> None:
    _harvest(govdata, "kennzahlen-lokal", f"{served['base']}/catalog.rdf")
    harvested = _harvested(govdata)
    groups = {}
    for name in served["names"]:
        declared = _expected(served, name)
        package = harvested[declared["dcat"]["uri"]]
        _assert_declared(package, declared, served["base"], _titles(served, name))
        groups[name] = ([g["name"] for g in package["groups"]],
                        [t.lower() for t in declared["dcat"]["themes"]])
    before = {uri: _content(p) for uri, p in harvested.items()}
    _harvest(govdata, "kennzahlen-lokal", f"{served['base']}/catalog.rdf")
    after = {uri: _content(p) for uri, p in _harvested(govdata).items()}
    # dcatde_rdf writes every dataset again (new metadata_modified); what it stores is the same
    changed = sorted({key for uri, package in before.items() for key in package
                      if after.get(uri, {}).get(key) != package[key]}
                     | {f"extras.{key}" for uri, package in before.items()
                        for key in package["extras"]
                        if after.get(uri, {}).get("extras", {}).get(key) != package["extras"][key]})
    assert changed == [], "a second harvest of an unchanged catalog changes nothing"
    assert all(got == want for got, want in groups.values()), f"themes as groups: {groups}"


def test_govdata_harvest_of_our_ckan_keeps_every_declared_field(
        govdata: dict[str, str], served: dict) -> None:
    local = _harvest(govdata, "kennzahlen-lokal", f"{served['base']}/catalog.rdf")
    _cli(govdata, "harvester", "source", "clear", local)  # the same URIs come from our CKAN
    _harvest(govdata, "kennzahlen-portal", f"{served['ckan']['CKAN_URL']}/catalog.rdf")
    harvested = _harvested(govdata)
    for name in served["names"]:
        declared = _expected(served, name)
        package = harvested[declared["dcat"]["uri"]]
        _assert_declared(package, declared, served["ckan"]["CKAN_URL"], _titles(served, name))
