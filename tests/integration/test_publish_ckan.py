"""Publishing to a real CKAN (2.12 with ckanext-dcat), started by scripts/ckan-dev."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from flows.adapters.ckan.mapping import HASH_EXTRA, extra
from flows.specs import catalog
from tests.helpers import FIXTURES, MONTHLY
from tests.integration.portal import REPORT, ckan_target, download, own_copy, publish

pytestmark = pytest.mark.integration


def test_publish_creates_dataset_and_resources_with_identical_bytes(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    target = ckan_target(portal)
    result = publish(project, name, target, tmp_path / "w")
    assert result.status == "published", result.problems
    package = target.call("package_show", id=name)
    assert package["title"] == "Kosten der Digitalisierungs-Roadmap 2019–2020"
    assert package["license_id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert package["organization"]["name"] == "stadt-musterstadt"
    assert package["maintainer"] == "Stabsstelle Digitalisierung"
    assert {t["name"] for t in package["tags"]} >= {"Digitalisierung", "E-Government"}
    assert [r["kennzahlen_file"] for r in package["resources"]] == ["kosten", "kosten-json"]
    staged = tmp_path / "w" / name
    for resource, file_name in zip(package["resources"], ["kosten.csv", "kosten.json"],
                                   strict=True):
        assert download(resource["url"], portal["CKAN_API_TOKEN"]) == \
            (staged / file_name).read_bytes()
    assert extra(package, HASH_EXTRA)
    turtle = requests.get(f"{portal['CKAN_URL']}/dataset/{name}.ttl", timeout=30)
    assert turtle.status_code == 200 and "dcat:Dataset" in turtle.text


def test_republishing_unchanged_data_writes_nothing_and_keeps_ids(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, "digitalstrategie-massnahmen")
    target = ckan_target(portal)
    assert publish(project, name, target, tmp_path / "a").status == "published"
    before = target.call("package_show", id=name)
    again = ckan_target(portal)
    result = publish(project, name, again, tmp_path / "b")
    assert result.status == "unchanged"
    # no write: reads only (the dataset once, shared by the comparison and publishing, and the
    # progress report's reads of the last published plan and of its linked key figures)
    assert again.actions and all(a == "download" or a.endswith("_show") for a in again.actions)
    after = target.call("package_show", id=name)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]


def test_changed_data_updates_resources_in_place(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    target = ckan_target(portal)
    publish(project, name, target, tmp_path / "a")
    before = target.call("package_show", id=name)
    source = project / "datapackages" / name / "source/roadmap-kosten.csv"
    source.write_bytes(source.read_bytes().replace(b"8.183,74", b"8.200,00"))
    changed = ckan_target(portal)
    assert publish(project, name, changed, tmp_path / "b").status == "published"
    assert "package_create" not in changed.actions
    after = target.call("package_show", id=name)
    assert after["id"] == before["id"]
    # only the changed file gets a new resource (staged, verified, then switched in one update)
    assert [r["kennzahlen_file"] for r in after["resources"]] == ["kosten", "kosten-json"]
    assert after["resources"][0]["id"] != before["resources"][0]["id"]
    assert extra(after, HASH_EXTRA) != extra(before, HASH_EXTRA)
    data = download(after["resources"][0]["url"], portal["CKAN_API_TOKEN"])
    assert b"8200.00" in data and b"8183.74" not in data

    descriptor = project / "datapackages" / name / "datapackage.yaml"
    descriptor.write_text(descriptor.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    meta_only = ckan_target(portal)
    assert publish(project, name, meta_only, tmp_path / "c").status == "published"
    assert "resource_create" not in meta_only.actions  # the data did not change
    assert target.call("package_show", id=name)["version"] == "1.1.0"


def test_invalid_data_leaves_the_published_version_untouched(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, MONTHLY)
    target = ckan_target(portal)
    publish(project, name, target, tmp_path / "a")
    before = target.call("package_show", id=name)
    good = download(before["resources"][0]["url"], portal["CKAN_API_TOKEN"])
    shutil.copy(FIXTURES / "fallzahlen-invalid-non-numeric-count.csv",
                project / "datapackages" / name / "source/fallzahlen.csv")
    after_target = ckan_target(portal)
    result = publish(project, name, after_target, tmp_path / "b")
    assert result.status == "invalid" and after_target.actions == []
    after = target.call("package_show", id=name)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert download(after["resources"][0]["url"], portal["CKAN_API_TOKEN"]) == good


def test_a_dataset_deleted_in_the_portal_is_restored_without_duplicates(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    target = ckan_target(portal)
    publish(project, name, target, tmp_path / "a")
    target.call("package_delete", id=name)
    assert publish(project, name, target, tmp_path / "b").status == "published"
    package = target.call("package_show", id=name)
    assert package["state"] == "active" and len(package["resources"]) == 2


def test_token_without_rights_gets_a_clear_terminal_error(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten", org=f"amt-ohne-rechte-{os.getpid()}")
    viewer = ckan_target(portal, "CKAN_VIEWER_TOKEN")
    result = publish(project, name, viewer, tmp_path / "w")
    assert result.status == "failed"
    (problem,) = result.errors
    assert problem.code == "ckan-not-authorized" and "Organisation" in problem.message
    assert portal["CKAN_VIEWER_TOKEN"] not in str(result.to_dict())
    assert ckan_target(portal).show(name) is None


def test_cli_publishes_all_examples_to_ckan_then_finds_them_unchanged(
        portal: dict[str, str], env: dict[str, str]) -> None:
    exe = Path(sys.executable).with_name("kennzahlen")
    first = subprocess.run([str(exe), "publish", "--target", "ckan"], capture_output=True,
                           text=True, timeout=300, env=dict(os.environ))
    assert first.returncode == 0, first.stdout + first.stderr
    total = len(catalog.dataset_names(Path(env["KENNZAHLEN_PROJECT"])))
    assert first.stdout.count(": veröffentlicht") + first.stdout.count(": unverändert") == total
    second = subprocess.run([str(exe), "publish", "--target", "ckan", "--target", "local"],
                            capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert second.returncode == 0
    assert "fallzahlen-verwaltungsleistungen: veröffentlicht" in second.stdout  # local is new
    third = subprocess.run([str(exe), "publish", "--target", "ckan", "--target", "local"],
                           capture_output=True, text=True, timeout=300, env=dict(os.environ))
    assert third.stdout.count(": unverändert") == total
    assert portal["CKAN_API_TOKEN"] not in first.stdout + second.stdout + third.stdout


def test_nightly_flow_publishes_to_ckan_under_prefect(
        prefect_harness: None, portal: dict[str, str], project: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.publish_all import nightly_publish

    name = own_copy(project, "digitalstrategie-massnahmen")
    state = nightly_publish(datasets=[name], targets=["ckan", "local"], project=str(project),
                            run_id="ckan-flow", return_state=True)
    assert state.is_completed(), state.message
    assert state.message == "1 veröffentlicht"
    package = ckan_target(portal).call("package_show", id=name)
    assert [r["kennzahlen_file"] for r in package["resources"]] == [
        "massnahmen", "massnahmen-json", *REPORT]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[f"validation-{name}", "run-summary"])))
    assert artifacts and all(portal["CKAN_API_TOKEN"] not in str(a.data) for a in artifacts)
