"""An aggregated case file whose totals are published in a second resource: after the run, no
hidden count can be recomputed from the two published files (checked by brute force on what
the files show)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import yaml

from flows.protection.audit import Group, Knowledge
from flows.run.prepare import prepare
from tests.helpers import FIXTURES
from tests.unit.protection.test_audit import brute_ranges

CASES = {("2026-01-01", "Wohngeld"): 1, ("2026-02-01", "Wohngeld"): 9,
         ("2026-03-01", "Wohngeld"): 12, ("2026-01-01", "Elterngeld"): 2,
         ("2026-02-01", "Elterngeld"): 20, ("2026-03-01", "Elterngeld"): 11}


def _project(root: Path) -> Path:
    shutil.copy(FIXTURES / "projects/seeded/datapackages/catalog.yaml",
                root / "datapackages/catalog.yaml")
    folder = root / "datapackages/falldatei"
    (folder / "source").mkdir(parents=True)
    with (folder / "source/faelle.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Eingang", "Leistung", "Aktenzeichen"])
        for (month, service), count in CASES.items():
            for day in range(count):
                writer.writerow([f"{day % 28 + 1:02d}.{month[5:7]}.2026", service, f"AZ-{day}"])
    descriptor = yaml.safe_load((FIXTURES / "projects/seeded/datapackages/faelle-aggregiert/"
                                 "datapackage.yaml").read_text(encoding="utf-8"))
    descriptor.update(name="falldatei", title="Fälle je Monat und Leistung, mit Summen",
                      resources=[{"name": "monate", "path": "monate.csv", "schema": "monate"},
                                 {"name": "summen", "path": "summen.csv", "schema": "summen"}])
    (folder / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True),
                                             encoding="utf-8")
    source = {"kind": "csv", "path": "source/faelle.csv", "delimiter": ";",
              "date_format": "%d.%m.%Y"}
    count = [{"as": "anzahl", "fn": "count"}]
    declaration = {"ckan": {"owner_org": "test-org"}, "resources": {
        "monate": {"source": source, "aggregate": {
            "period": {"field": "Eingang", "to": "month", "as": "monat"},
            "group_by": ["monat", "Leistung"], "measures": count},
            "protect": {"small_counts": {"fields": ["anzahl"], "k": 3}}},
        # a careless declaration: nothing says that these are the sums of the other resource
        "summen": {"source": source, "aggregate": {"group_by": ["Leistung"], "measures": count}}}}
    (folder / "dataset.yaml").write_text(yaml.safe_dump(declaration, allow_unicode=True),
                                         encoding="utf-8")
    (root / "schemas").mkdir()
    for name, keys in (("monate", [{"name": "monat", "type": "date"}]), ("summen", [])):
        schema = {"fields": [*keys, {"name": "Leistung", "type": "string"},
                             {"name": "anzahl", "type": "integer"}], "missingValues": ["", "."]}
        (root / f"schemas/{name}.schema.yaml").write_text(yaml.safe_dump(schema),
                                                          encoding="utf-8")
    return root


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_totals_in_a_second_resource_leave_no_hidden_count_recomputable(tmp_path: Path) -> None:
    (tmp_path / "project/datapackages").mkdir(parents=True)
    project = _project(tmp_path / "project")
    prepared = prepare(project, "falldatei", tmp_path / "work")
    result = prepared.result
    assert result.status == "valid", [p.message for p in result.errors]
    monate = _read(tmp_path / "work/falldatei/monate.csv")
    summen = _read(tmp_path / "work/falldatei/summen.csv")
    assert {r["Leistung"]: r["anzahl"] for r in summen} == {"Wohngeld": "22", "Elterngeld": "33"}
    # the attacker's view: the published cells, the published sums, rows only with a case
    values: list[int | None] = [CASES[r["monat"], r["Leistung"]] for r in monate]
    hidden = {i for i, r in enumerate(monate) if r["anzahl"] == "."}
    groups = []
    for service in ("Wohngeld", "Elterngeld"):
        groups.append(Group(tuple(i for i, r in enumerate(monate) if r["Leistung"] == service),
                            len(values)))
        values.append(22 if service == "Wohngeld" else 33)
    small = {i for i in hidden if values[i] in (1, 2)}
    assert small == {i for i, v in enumerate(values[:6]) if v in (1, 2)}
    know = Knowledge(values, groups, 3, small, positive=set(range(len(values))),
                     sensitive=set(range(6)))
    ranges = brute_ranges(know, hidden)
    assert len(hidden) >= 4
    assert all(high is None or high - low >= 1 for low, high in ranges.values()), ranges
    figures = result.protection["monate"]
    assert figures["audit_hidden_cells"] == len(hidden) and figures["audit_narrowest_width"] >= 1
    assert figures["suppressed_secondary"] == len(hidden) - 2
