"""The DataStore copy on a real CKAN: `datastore_search` returns the published rows with the
data dictionary from the Table Schema, a table view exists, and a changed file rewrites only its
table."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import requests

from flows.adapters.ckan.upload import file_key
from tests.integration.portal import ckan_target, own_copy, publish

pytestmark = pytest.mark.integration


def _search(portal: dict[str, str], resource_id: str, **params: object) -> dict:
    """`datastore_search` as a consumer calls it: plain HTTP, no token."""
    answer = requests.get(f"{portal['CKAN_URL']}/api/3/action/datastore_search",
                          params={"resource_id": resource_id, **params}, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return answer.json()["result"]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_datastore_search_returns_the_published_rows(portal: dict[str, str], project: Path,
                                                     tmp_path: Path) -> None:
    name = own_copy(project, "gewerbemeldungen-monatlich")
    target = ckan_target(portal)
    result = publish(project, name, target, tmp_path / "w")
    assert result.status == "published", result.problems
    package = target.call("package_show", id=name)
    resource = next(r for r in package["resources"] if file_key(r) == "gewerbemeldungen")
    assert resource["datastore_active"] is True
    rows = _csv_rows(tmp_path / "w" / name / "gewerbemeldungen.csv")
    found = _search(portal, resource["id"], limit=1000, sort="_id")
    assert found["total"] == len(rows) == len(found["records"])
    published = [{k: ("." if v is None and k == "anzahl" else str(v))
                  for k, v in r.items() if k != "_id"} for r in found["records"]]
    assert published == rows
    assert any(r["anzahl"] == "." for r in rows)  # suppressed values are in the test data
    info = {f["id"]: f.get("info", {}) for f in found["fields"]}
    assert info["anzahl"]["label"] == "Anzahl der Meldungen"
    assert "gesperrter Wert" in info["anzahl"]["notes"]
    assert {f["id"]: f["type"] for f in found["fields"]}["anzahl"] == "int4"  # PostgreSQL integer
    views = target.call("resource_view_list", id=resource["id"])
    assert [v["view_type"] for v in views].count("datatables_view") == 1
    filtered = _search(portal, resource["id"], filters='{"kanal": "online"}', limit=0)
    assert filtered["total"] == sum(1 for r in rows if r["kanal"] == "online")


def test_changed_data_rewrites_only_the_changed_table(portal: dict[str, str], project: Path,
                                                      tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    target = ckan_target(portal)
    assert publish(project, name, target, tmp_path / "a").status == "published"
    source = project / "datapackages" / name / "source" / "roadmap-kosten.csv"
    source.write_bytes(source.read_bytes().replace(b"8.183,74", b"9.999,99"))
    again = ckan_target(portal)
    assert publish(project, name, again, tmp_path / "b").status == "published"
    assert again.actions.count("datastore_create") == 1
    package = target.call("package_show", id=name)
    resource = next(r for r in package["resources"] if file_key(r) == "kosten")
    values = [r["einmalige_kosten_eur"] for r in _search(portal, resource["id"])["records"]]
    assert "9999.99" in [str(v) for v in values]
    unchanged = ckan_target(portal)
    assert publish(project, name, unchanged, tmp_path / "c").status == "unchanged"
    assert unchanged.actions == ["package_show"]
