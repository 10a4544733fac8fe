"""rules.yaml and the plausibility declaration: bad declarations name file, resource and rule."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.errors import ConfigError
from flows.specs import catalog

FOLDER = "fallzahlen-verwaltungsleistungen"
NAME = f"{FOLDER}-musterstadt"  # Musterstadt's part of the harmonised counts


def _write_rules(project: Path, rules: list[dict], resource: str = "fallzahlen") -> None:
    path = project / "datapackages" / FOLDER / "rules.yaml"
    path.write_text(yaml.safe_dump({"resources": {resource: rules}}, allow_unicode=True))


def test_shipped_rules_load_with_numbers_kinds_and_severities() -> None:
    from tests.helpers import ROOT

    rules = catalog.load(ROOT, NAME, check=False).resources[0].rules
    assert [r.number for r in rules] == list(range(1, len(rules) + 1))
    assert {r.kind for r in rules} == {"expectation", "every_period"}
    assert {r.severity for r in rules} == {"error", "warning"}
    assert all(r.file == f"datapackages/{FOLDER}/rules.yaml" for r in rules)


def test_a_dataset_without_rules_file_has_no_rules(project: Path) -> None:
    (project / "datapackages" / FOLDER / "rules.yaml").unlink()
    assert catalog.load(project, NAME, check=False).resources[0].rules == ()


def test_camel_case_expectation_names_are_accepted(project: Path) -> None:
    _write_rules(project, [{"description": "Kanal bekannt", "expectation":
                            "ExpectColumnValuesToBeInSet",
                            "kwargs": {"column": "kanal", "value_set": ["online"]}}])
    rule = catalog.load(project, NAME, check=False).resources[0].rules[0]
    assert rule.expectation == "expect_column_values_to_be_in_set"


@pytest.mark.parametrize(("rules", "expected"), [
    ([{"description": "Fälle nie negativ", "expectation": "expect_column_values_to_be_between",
       "kwargs": {"column": "anzahll", "min_value": 0}}],
     r"rules.yaml, Ressource 'fallzahlen', Regel 1 \(„Fälle nie negativ“\): Feld 'anzahll'"),
    ([{"description": "Gut so", "every_period": {"field": "monat"}},
      {"description": "Summen", "sum_equals_total": {"measure": "anzahl", "by": ["leistng"],
                                                     "total": {"kanal": "gesamt"}}}],
     r"Regel 2 \(„Summen“\): Feld 'leistng'"),
    ([{"description": "Monate", "every_period": {"field": "leistung"}}],
     r"Regel 1 .*every_period braucht ein Datumsfeld"),
    ([{"description": "Summe", "sum_equals_total": {"measure": "kanal",
                                                    "total": {"kanal": "gesamt"}}}],
     r"'kanal' ist kein Zahlenfeld"),
    ([{"expectation": "expect_column_values_to_be_unique", "kwargs": {"column": "monat"}}],
     r"rules.yaml, Ressource 'fallzahlen', Regel 1: ungültig \('description' is a required"),
    ([{"description": "Zwei auf einmal", "expectation": "expect_column_values_to_be_unique",
       "every_period": {"field": "monat"}}],
     r"Regel 1: ungültig \(jede Regel braucht genau eine der Angaben"),
    ([{"description": "Schwere", "severity": "kritisch", "every_period": {"field": "monat"}}],
     r"Regel 1, Angabe 'severity': ungültig"),
])
def test_bad_rules_are_config_errors_naming_file_and_rule(project: Path, rules: list[dict],
                                                          expected: str) -> None:
    _write_rules(project, rules)
    with pytest.raises(ConfigError, match=expected):
        catalog.load(project, NAME, check=False)


def test_rules_for_an_unknown_resource_are_refused(project: Path) -> None:
    _write_rules(project, [{"description": "Monate", "every_period": {"field": "monat"}}],
                 resource="fallzahl")
    with pytest.raises(ConfigError, match=r"Ressource 'fallzahl' gibt es in datapackage.yaml"):
        catalog.load(project, NAME, check=False)


def test_rules_yaml_syntax_error_names_the_file(project: Path) -> None:
    (project / "datapackages" / FOLDER / "rules.yaml").write_text("resources: [kaputt\n")
    with pytest.raises(ConfigError, match=r"rules.yaml .*kein gültiges YAML in Zeile"):
        catalog.load(project, NAME, check=False)


def test_plausibility_declaration_is_loaded_with_defaults(project: Path) -> None:
    spec = catalog.load(project, NAME, check=False).resources[0].plausibility
    assert (spec.period, spec.groups, spec.measures, spec.max_change_percent) == (
        "monat", ("leistung",), ("anzahl",), 50.0)
    kosten = catalog.load(project, "digitalisierung-kosten", check=False).resources[0]
    assert kosten.plausibility.max_change_percent == 20.0 and kosten.plausibility.period is None


@pytest.mark.parametrize(("declared", "expected"), [
    ({"measures": ["anzhl"]}, r"plausibility: Feld 'anzhl' gibt es im Schema nicht"),
    ({"measures": ["kanal"]}, r"'kanal' ist kein Zahlenfeld"),
    ({"max_change_percent": -5}, r"plausibility.max_change_percent' ist ungültig"),
    ({"period": "monat", "threshold": 5}, r"'resources.fallzahlen.plausibility' ist ungültig"),
])
def test_bad_plausibility_declarations_are_config_errors(project: Path, declared: dict,
                                                         expected: str) -> None:
    path = project / "datapackages" / FOLDER / "dataset.yaml"
    internal = yaml.safe_load(path.read_text())
    internal["resources"]["fallzahlen"]["plausibility"] = declared
    path.write_text(yaml.safe_dump(internal, allow_unicode=True))
    with pytest.raises(ConfigError, match=expected):
        catalog.load(project, NAME, check=False)
