"""Publishing to a real CKAN (2.12 with ckanext-dcat), started by scripts/ckan-dev."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
import yaml

from flows import catalog, pipeline
from flows.adapters.ckan import CkanTarget
from flows.adapters.ckan_mapping import HASH_EXTRA, extra
from tests.helpers import FIXTURES

pytestmark = pytest.mark.integration
_serial = itertools.count(1)


@pytest.fixture
def portal(ckan: dict[str, str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("CKAN_URL", ckan["CKAN_URL"])
    monkeypatch.setenv("CKAN_API_TOKEN", ckan["CKAN_API_TOKEN"])
    return ckan


class Recording(CkanTarget):
    """The real target, remembering which actions it called."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.actions: list[str] = []

    def call(self, action: str, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        self.actions.append(action)
        return super().call(action, *args, **kwargs)


def _target(portal: dict[str, str], token_key: str = "CKAN_API_TOKEN") -> Recording:
    return Recording(portal["CKAN_URL"], portal[token_key], timeout=30)


def _own_copy(project: Path, base: str, org: str | None = None) -> str:
    """A renamed copy of a shipped dataset, so each test starts with its own portal dataset."""
    name = f"{base}-t{next(_serial)}-{os.getpid()}"
    shutil.copytree(project / "datapackages" / base, project / "datapackages" / name)
    descriptor_path = project / "datapackages" / name / "datapackage.yaml"
    descriptor = yaml.safe_load(descriptor_path.read_text())
    descriptor["name"] = name
    descriptor_path.write_text(yaml.safe_dump(descriptor, allow_unicode=True))
    if org:
        internal_path = project / "datapackages" / name / "dataset.yaml"
        internal = yaml.safe_load(internal_path.read_text())
        internal["ckan"]["owner_org"] = org
        internal_path.write_text(yaml.safe_dump(internal, allow_unicode=True))
    return name


def _publish(project: Path, name: str, target: CkanTarget, workdir: Path):  # noqa: ANN202
    return pipeline.process(project, name, [target], workdir)


def _download(url: str, token: str) -> bytes:
    response = requests.get(url, headers={"Authorization": token}, timeout=30)
    response.raise_for_status()
    return response.content


def test_publish_creates_dataset_and_resources_with_identical_bytes(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = _own_copy(project, "digitalisierung-kosten")
    target = _target(portal)
    result = _publish(project, name, target, tmp_path / "w")
    assert result.status == "published", result.problems
    package = target.call("package_show", id=name)
    assert package["title"] == "Kosten der Digitalisierungs-Roadmap 2019–2020"
    assert package["license_id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert package["organization"]["name"] == "stadt-musterstadt"
    assert package["maintainer"] == "Stabsstelle Digitalisierung"
    assert {t["name"] for t in package["tags"]} >= {"Digitalisierung", "E-Government"}
    assert [r["name"] for r in package["resources"]] == ["kosten", "kosten-json"]
    staged = tmp_path / "w" / name
    for resource, file_name in zip(package["resources"], ["kosten.csv", "kosten.json"],
                                   strict=True):
        assert _download(resource["url"], portal["CKAN_API_TOKEN"]) == \
            (staged / file_name).read_bytes()
    assert extra(package, HASH_EXTRA)
    turtle = requests.get(f"{portal['CKAN_URL']}/dataset/{name}.ttl", timeout=30)
    assert turtle.status_code == 200 and "dcat:Dataset" in turtle.text


def test_republishing_unchanged_data_writes_nothing_and_keeps_ids(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = _own_copy(project, "digitalstrategie-massnahmen")
    target = _target(portal)
    assert _publish(project, name, target, tmp_path / "a").status == "published"
    before = target.call("package_show", id=name)
    again = _target(portal)
    result = _publish(project, name, again, tmp_path / "b")
    assert result.status == "unchanged"
    assert again.actions == ["package_show"]  # one read, no write
    after = target.call("package_show", id=name)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]


def test_changed_data_updates_resources_in_place(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = _own_copy(project, "digitalisierung-kosten")
    target = _target(portal)
    _publish(project, name, target, tmp_path / "a")
    before = target.call("package_show", id=name)
    source = project / "datapackages" / name / "source/roadmap-kosten.csv"
    source.write_bytes(source.read_bytes().replace(b"8.183,74", b"8.200,00"))
    changed = _target(portal)
    assert _publish(project, name, changed, tmp_path / "b").status == "published"
    assert "package_create" not in changed.actions and "resource_create" not in changed.actions
    after = target.call("package_show", id=name)
    assert [r["id"] for r in after["resources"]] == [r["id"] for r in before["resources"]]
    assert extra(after, HASH_EXTRA) != extra(before, HASH_EXTRA)
    data = _download(after["resources"][0]["url"], portal["CKAN_API_TOKEN"])
    assert b"8200.00" in data and b"8183.74" not in data

    descriptor = project / "datapackages" / name / "datapackage.yaml"
    descriptor.write_text(descriptor.read_text().replace("version: 1.0.0", "version: 1.1.0"))
    meta_only = _target(portal)
    assert _publish(project, name, meta_only, tmp_path / "c").status == "published"
    assert "resource_patch" not in meta_only.actions  # the data did not change
    assert target.call("package_show", id=name)["version"] == "1.1.0"


def test_invalid_data_leaves_the_published_version_untouched(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = _own_copy(project, "fallzahlen-verwaltungsleistungen")
    target = _target(portal)
    _publish(project, name, target, tmp_path / "a")
    before = target.call("package_show", id=name)
    good = _download(before["resources"][0]["url"], portal["CKAN_API_TOKEN"])
    shutil.copy(FIXTURES / "fallzahlen-invalid-non-numeric-count.csv",
                project / "datapackages" / name / "source/fallzahlen.csv")
    after_target = _target(portal)
    result = _publish(project, name, after_target, tmp_path / "b")
    assert result.status == "invalid" and after_target.actions == []
    after = target.call("package_show", id=name)
    assert after["metadata_modified"] == before["metadata_modified"]
    assert _download(after["resources"][0]["url"], portal["CKAN_API_TOKEN"]) == good


def test_a_dataset_deleted_in_the_portal_is_restored_without_duplicates(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = _own_copy(project, "digitalisierung-kosten")
    target = _target(portal)
    _publish(project, name, target, tmp_path / "a")
    target.call("package_delete", id=name)
    assert _publish(project, name, target, tmp_path / "b").status == "published"
    package = target.call("package_show", id=name)
    assert package["state"] == "active" and len(package["resources"]) == 2


def test_token_without_rights_gets_a_clear_terminal_error(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = _own_copy(project, "digitalisierung-kosten", org=f"amt-ohne-rechte-{os.getpid()}")
    viewer = _target(portal, "CKAN_VIEWER_TOKEN")
    result = _publish(project, name, viewer, tmp_path / "w")
    assert result.status == "failed"
    (problem,) = result.errors
    assert problem.code == "ckan-not-authorized" and "Organisation" in problem.message
    assert portal["CKAN_VIEWER_TOKEN"] not in str(result.to_dict())
    assert _target(portal).show(name) is None


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

    name = _own_copy(project, "digitalstrategie-massnahmen")
    state = nightly_publish(datasets=[name], targets=["ckan", "local"], project=str(project),
                            run_id="ckan-flow", return_state=True)
    assert state.is_completed(), state.message
    assert state.message == "1 veröffentlicht"
    package = _target(portal).call("package_show", id=name)
    assert [r["name"] for r in package["resources"]] == ["massnahmen", "massnahmen-json"]
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[f"validation-{name}", "run-summary"])))
    assert artifacts and all(portal["CKAN_API_TOKEN"] not in str(a.data) for a in artifacts)
