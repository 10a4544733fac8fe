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
