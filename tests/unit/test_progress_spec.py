"""Loading progress.yaml: structure, field names and statuses are checked before any data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.errors import ConfigError
from flows.specs import catalog
from flows.specs.progress import load_progress

SLUG = "digitalstrategie-massnahmen"


def _load(project: Path) -> object:
    dataset = catalog.load(project, SLUG)
    return load_progress(dataset.folder, SLUG, {r.name: r.schema for r in dataset.resources})


def _change(project: Path, edit: object) -> None:
    path = project / "datapackages" / SLUG / "progress.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_example_declaration_loads(project: Path) -> None:
    spec = _load(project)
    assert spec.resource == "massnahmen" and spec.period == ("2026-01-01", "2027-12-31")
    assert [s.value for s in spec.statuses][:3] == ["geplant", "in Umsetzung", "umgesetzt"]
    assert spec.status("entfallen").kind == "dropped"
    assert spec.titles["kosten_einmalig_eur"] == "Einmalige Kosten (Euro)"
    assert {k.dataset for k in spec.key_figures} == {"fallzahlen-verwaltungsleistungen",
                                                     "online-dienste"}


def test_a_dataset_without_progress_yaml_has_no_report(project: Path) -> None:
    (project / "datapackages" / SLUG / "progress.yaml").unlink()
    assert _load(project) is None


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d["fields"].update(status="zustand"), "Feld 'zustand' gibt es"),
    (lambda d: d.update(resource="fehlt"), "Ressource 'fehlt'"),
    (lambda d: d.update(farbe="rot"), "Angabe '(oberste Ebene)'"),
    (lambda d: d["statuses"].pop(), "Status 'entfallen' aus dem Table Schema fehlt"),
    (lambda d: d["statuses"][0].pop("step"), "braucht 'step'"),
])
def test_a_wrong_declaration_is_refused_with_its_place(project: Path, edit: object,
                                                       expected: str) -> None:
    _change(project, edit)
    with pytest.raises(ConfigError) as caught:
        _load(project)
    assert expected in caught.value.message
    assert "progress.yaml" in caught.value.message


def test_a_report_runs_after_the_datasets_whose_figures_it_shows(project: Path) -> None:
    names = catalog.dataset_names(project)
    waves = catalog.in_waves(project, names)
    assert [n for wave in waves for n in wave] != names  # the plan moved behind its figures
    assert sorted(n for wave in waves for n in wave) == names
    (last,) = [wave for wave in waves if "digitalstrategie-massnahmen" in wave]
    assert waves[-1] == last == ["digitalstrategie-massnahmen"]
    # the association's combined case counts wait for its members, the plan for them
    assert "fallzahlen-verwaltungsleistungen-musterstadt" in waves[0]
    assert waves[1] == ["fallzahlen-verwaltungsleistungen"]
    # only datasets of this run count: alone, the plan runs at once
    assert catalog.in_waves(project, ["digitalstrategie-massnahmen"]) == [
        ["digitalstrategie-massnahmen"]]


def test_datasets_that_show_each_others_figures_still_run(project: Path) -> None:
    for name, other in (("a", "b"), ("b", "a")):
        folder = project / "datapackages" / name
        folder.mkdir()
        (folder / "progress.yaml").write_text(yaml.safe_dump(
            {"key_figures": [{"dataset": other}]}), encoding="utf-8")
    assert catalog.in_waves(project, ["a", "b", "c"]) == [["c"], ["a", "b"]]
