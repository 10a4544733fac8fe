"""Every declared dataset is checked: a new folder in datapackages/ is tested automatically."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.errors import ConfigError, UnknownDatasetError
from flows.specs import catalog
from tests.helpers import ROOT

NAMES = catalog.dataset_names(ROOT)


def test_the_example_datasets_are_declared_one_per_source_kind() -> None:
    counts = "fallzahlen-verwaltungsleistungen"  # harmonised: three members and the combined
    assert NAMES == ["bibliothek-ausleihen", "digitalisierung-kosten",
                     "digitalstrategie-massnahmen", counts, f"{counts}-beispielburg",
                     f"{counts}-musterstadt", f"{counts}-weiterdorf",
                     "gewerbemeldungen-monatlich", "online-dienste", "ratsinformation-kennzahlen"]
    kinds = {catalog.load(ROOT, n).resources[0].source.kind for n in NAMES}
    assert kinds == {"csv", "xlsx", "ods", "sql", "json", "oparl", "members"}


@pytest.mark.parametrize("name", NAMES)
def test_dataset_declaration_loads_and_its_data_validate(name: str, tmp_path: Path) -> None:
    from flows.run import sequence

    spec = catalog.load(ROOT, name)
    assert spec.descriptor["name"] == name and name.startswith(spec.folder.name)
    assert spec.descriptor.get("licenses") and spec.descriptor.get("title")
    for resource in spec.resources:
        assert (ROOT / "schemas" / f"{resource.schema_name}.schema.yaml").is_file()
        assert resource.source.path is None or resource.source.path.is_file()
    prepared = sequence.prepare(ROOT, name, None)
    assert prepared.result.status == "valid", prepared.result.problems


@pytest.mark.parametrize("name", NAMES)
def test_no_relative_parent_paths_and_no_source_details_in_public_descriptor(name: str) -> None:
    text = (catalog.load(ROOT, name).folder / "datapackage.yaml").read_text()
    assert "../" not in text
    public = catalog.load(ROOT, name).public_descriptor()
    for resource in public["resources"]:
        assert "source" not in resource and "ckan" not in resource


def test_unknown_dataset_lists_the_known_ones() -> None:
    with pytest.raises(UnknownDatasetError, match="digitalisierung-kosten"):
        catalog.load(ROOT, "gibt-es-nicht")


def test_broken_internal_file_names_file_and_key(project: Path) -> None:
    internal = project / "datapackages/digitalisierung-kosten/dataset.yaml"
    data = yaml.safe_load(internal.read_text())
    data["resources"]["kosten"]["source"]["kind"] = "pdf"
    internal.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ConfigError, match=r"dataset.yaml .*resources.kosten.source.kind"):
        catalog.load(project, "digitalisierung-kosten")


def test_missing_schema_file_is_named(project: Path) -> None:
    (project / "schemas/digitalisierung-kosten.schema.yaml").unlink()
    with pytest.raises(ConfigError, match=r"schemas/digitalisierung-kosten.schema.yaml"):
        catalog.load(project, "digitalisierung-kosten")


def test_invalid_schema_is_a_config_error(project: Path) -> None:
    schema = project / "schemas/digitalisierung-kosten.schema.yaml"
    schema.write_text(schema.read_text().replace("type: date", "type: datum"))
    with pytest.raises(ConfigError, match="datum"):
        catalog.load(project, "digitalisierung-kosten")


def test_yaml_syntax_error_names_the_line(project: Path) -> None:
    path = project / "datapackages/digitalisierung-kosten/datapackage.yaml"
    path.write_text("name: digitalisierung-kosten\ntitle: [kaputt\n")
    with pytest.raises(ConfigError, match="Zeile"):
        catalog.load(project, "digitalisierung-kosten")


def test_a_protection_level_the_small_count_rule_cannot_give_is_refused(project: Path) -> None:
    internal = project / "datapackages/fallzahlen-verwaltungsleistungen/dataset.yaml"
    data = yaml.safe_load(internal.read_text())
    counts = data["resources"]["fallzahlen"]["protect"]["small_counts"]
    counts["k"] = 2  # a hidden count could only be 1
    internal.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(ConfigError, match=r"k=2 .*nur 1 bis 1.*zeros: true"):
        catalog.load(project, "fallzahlen-verwaltungsleistungen-musterstadt")
    counts.update(zeros=True, min_width=1)
    internal.write_text(yaml.safe_dump(data, allow_unicode=True))
    name = "fallzahlen-verwaltungsleistungen-musterstadt"
    spec = catalog.load(project, name).resources[0].protect
    assert (spec.k, spec.zeros, spec.min_width) == (2, True, 1)
