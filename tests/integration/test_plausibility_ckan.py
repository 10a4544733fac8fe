"""Plausibility against the real CKAN: the previous version is downloaded from the portal."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from flows.adapters.ckan.target import CkanTarget
from flows.run import sequence
from tests.helpers import MONTHLY
from tests.integration.portal import ckan_target, download, own_copy, publish

pytestmark = pytest.mark.integration


def test_the_previous_version_comes_from_ckan_and_a_doubled_month_exceeds(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, MONTHLY)
    target = ckan_target(portal)
    resource = next(r for r in _spec(project, name).resources)
    assert target.last_published(name, resource) is None  # not in the portal yet
    first = publish(project, name, target, tmp_path / "a")
    assert first.status == "published" and first.plausibility == []

    previous = ckan_target(portal).last_published(name, resource)
    with (tmp_path / "a" / name / "fallzahlen.csv").open(encoding="utf-8", newline="") as f:
        published = list(csv.reader(f))
    assert previous is not None and [previous.fields, *previous.rows] == published

    source = project / "datapackages" / name / "source/fallzahlen.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    lines = [_doubled(line) if line.startswith("01.03.2025;Meldebescheinigung;") else line
             for line in lines]
    source.write_text("\ufeff" + "\r\n".join(lines) + "\r\n", encoding="utf-8")
    second = publish(project, name, ckan_target(portal), tmp_path / "b")
    assert second.status == "published"
    label = "Anzahl der Fälle, Meldebescheinigung, März 2025"
    entry = next(e for e in second.plausibility if e["label"] == label)
    assert entry["new"] >= 2 * entry["old"] > 0 and entry["exceeds"] is True


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_doubled_month_is_held_back_from_ckan_until_approved(
        portal: dict[str, str], project: Path, decision: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import EXIT_HELD, EXIT_OK, main

    name = own_copy(project, MONTHLY)
    assert main(["publish", name, "--target", "ckan"]) == EXIT_OK
    target = ckan_target(portal)
    first = target.current_hash(name)
    assert first and len(first) == 64
    before = _portal_csv(portal, name)

    source = project / "datapackages" / name / "source/fallzahlen.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    source.write_text("\ufeff" + "\r\n".join(_doubled(line) if line.startswith("01.03.2025;")
                                              else line for line in lines) + "\r\n",
                      encoding="utf-8")
    assert main(["publish", name, "--target", "ckan"]) == EXIT_HELD
    assert target.current_hash(name) == first and _portal_csv(portal, name) == before
    capsys.readouterr()
    main(["review"])
    assert name in capsys.readouterr().out

    if decision == "approve":
        assert main(["approve", name, "--by", "Frau Prüfer"]) == EXIT_OK
        assert target.current_hash(name) not in (None, first)
        held = Path(os.environ["KENNZAHLEN_OUT"]) / "held" / name / "bundle" / "fallzahlen.csv"
        assert _portal_csv(portal, name) == held.read_bytes() != before
    else:
        assert main(["reject", name, "--comment", "März doppelt"]) == EXIT_OK
        assert main(["publish", name, "--target", "ckan"]) == EXIT_OK
        assert target.current_hash(name) == first and _portal_csv(portal, name) == before


def _portal_csv(portal: dict[str, str], name: str) -> bytes:
    package = ckan_target(portal).show(name)
    assert package is not None
    url = next(r["url"] for r in package["resources"] if r["kennzahlen_file"] == "fallzahlen")
    return download(url, portal["CKAN_API_TOKEN"])


def test_an_unchanged_dataset_costs_one_read_with_the_comparison(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, "ratsinformation-kennzahlen")  # two resources
    first = ckan_target(portal)
    assert sequence.process(project, name, [first], tmp_path / "a").status == "published"
    # the comparison finds nothing; publishing reads again before it writes, and downloads
    # only to verify each upload (CSV and JSON of both resources)
    assert first.actions[:2] == ["package_show", "package_show"]
    assert first.actions.count("package_show") == 2
    assert first.actions.count("download") == first.actions.count("resource_create") == 4
    assert first.actions.index("download") > first.actions.index("resource_create")

    again = ckan_target(portal)
    result = sequence.process(project, name, [again], tmp_path / "b")
    assert result.status == "unchanged"
    assert again.actions == ["package_show"]  # comparison and publish share the one read
    assert {e["kind"] for e in result.plausibility} >= {"row-count"}
    assert not any(e["exceeds"] for e in result.plausibility)

    fresh = ckan_target(portal)  # without a kept read: one read and the download
    assert fresh.last_published(name, _spec(project, name).resources[0]) is not None
    assert fresh.actions == ["package_show", "download"]


def test_an_unreachable_portal_is_a_warning_for_the_comparison(
        portal: dict[str, str], project: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    dead = CkanTarget("http://127.0.0.1:9", portal["CKAN_API_TOKEN"], timeout=2,
                      retry_budget=0)
    from flows import errors

    with pytest.raises(errors.TransientError):
        dead.last_published(name, _spec(project, name).resources[0])


def _spec(project: Path, name: str):  # noqa: ANN202
    from flows.specs import catalog

    return catalog.load(project, name, check=False)


def _doubled(line: str) -> str:
    cells = line.split(";")
    cells[3] = str(int(cells[3]) * 2)
    return ";".join(cells)
