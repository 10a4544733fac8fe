"""The progress report on a real CKAN: published as two resources of the measures plan (HTML and
PDF, byte for byte), with its key figure read from the portal, and not made again while nothing
changed; "since the last report" compares with the plan the portal served."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.adapters.ckan.upload import file_key
from flows.model.bundle import file_sha256
from tests.helpers import FIXTURES
from tests.integration.portal import REPORT, ckan_target, download, own_copy, publish

pytestmark = pytest.mark.integration


def test_report_resources_on_ckan(portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    target = ckan_target(portal)
    assert publish(project, "online-dienste", target, tmp_path / "o").status in (
        "published", "unchanged")
    name = own_copy(project, "digitalstrategie-massnahmen")
    source = project / "datapackages" / name / "source" / "massnahmen-status.xlsx"
    current = source.read_bytes()
    shutil.copyfile(FIXTURES / "massnahmen-status-vorher.xlsx", source)
    assert publish(project, name, ckan_target(portal), tmp_path / "a").status == "published"
    source.write_bytes(current)
    result = publish(project, name, ckan_target(portal), tmp_path / "b")
    assert result.status == "published", result.problems
    package = target.call("package_show", id=name)
    by_name = {file_key(r): r for r in package["resources"]}
    assert set(REPORT) <= set(by_name)
    assert by_name["fortschrittsbericht-pdf"]["mimetype"] == "application/pdf"  # a valid header
    for resource_name, file_name in zip(REPORT, ("fortschrittsbericht.html",
                                                 "fortschrittsbericht.pdf"), strict=True):
        served = download(by_name[resource_name]["url"], portal["CKAN_API_TOKEN"])
        assert served == (tmp_path / "b" / name / file_name).read_bytes()
    page = (tmp_path / "b" / name / "fortschrittsbericht.html").read_text(encoding="utf-8")
    assert "Stand vom 30.06.2026: 13 Änderungen" in page
    assert "Online-Dienste auf der Plattform</strong> – 6" in page
    pdf = file_sha256(tmp_path / "b" / name / "fortschrittsbericht.pdf")
    again = publish(project, name, ckan_target(portal), tmp_path / "c")
    assert again.status == "unchanged", again.problems
    assert file_sha256(tmp_path / "c" / name / "fortschrittsbericht.pdf") == pdf
