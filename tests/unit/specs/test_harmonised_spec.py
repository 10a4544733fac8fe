"""One declaration of a harmonised key figure: one dataset per member plus the combined one, and
German errors that name the key where it was written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.errors import ConfigError
from flows.specs import catalog
from tests.helpers import COUNTS, ROOT


def _members(project: Path, change) -> None:  # noqa: ANN001
    path = project / "datapackages" / COUNTS / "dataset.yaml"
    internal = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(internal["members"])
    path.write_text(yaml.safe_dump(internal, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def test_one_folder_declares_a_dataset_per_member_and_the_combined_one() -> None:
    names = catalog.dataset_names(ROOT)
    assert [n for n in names if n.startswith(COUNTS)] == [
        COUNTS, f"{COUNTS}-beispielburg", f"{COUNTS}-musterstadt", f"{COUNTS}-weiterdorf"]
    burg = catalog.load(ROOT, f"{COUNTS}-beispielburg")
    assert (burg.member, burg.owner_org) == ("beispielburg", "stadt-beispielburg")
    source = burg.resources[0].source
    assert (source.encoding, source.delimiter, source.thousands) == ("cp1252", ";", ".")
    assert source.path == ROOT / "datapackages" / COUNTS / "source" / "beispielburg.csv"
    assert source.columns["Fälle"] == "anzahl"
    dorf = catalog.load(ROOT, f"{COUNTS}-weiterdorf").resources[0].source
    assert (dorf.kind, dorf.delimiter, dorf.header_row) == ("xlsx", ",", 3)  # nothing inherited
    combined = catalog.load(ROOT, COUNTS)
    assert combined.member is None and combined.owner_org == "stadtverbund"
    assert combined.parts == ("musterstadt", "beispielburg", "weiterdorf")
    resource = combined.resources[0]
    assert resource.source.kind == "members" and resource.rules == ()
    assert resource.schema["fields"][0]["name"] == "ags"
    assert resource.schema["primaryKey"] == ["ags", "monat", "leistung", "kanal"]
    assert resource.plausibility.groups == ("ags", "leistung")


def test_the_combined_table_runs_after_its_members() -> None:
    names = [COUNTS, f"{COUNTS}-musterstadt", "digitalisierung-kosten", f"{COUNTS}-weiterdorf"]
    assert catalog.in_waves(ROOT, names) == [
        [f"{COUNTS}-musterstadt", "digitalisierung-kosten", f"{COUNTS}-weiterdorf"], [COUNTS]]


def test_an_undeclared_member_is_named_with_the_declared_ones(project: Path) -> None:
    _members(project, lambda m: m.update({"irgendwo": None}))
    with pytest.raises(ConfigError, match=r"members\.irgendwo: 'irgendwo' ist kein Mitglied .*"
                                          r"beispielburg, musterstadt, weiterdorf"):
        catalog.load(project, COUNTS)


def test_an_unknown_resource_of_a_member_is_refused(project: Path) -> None:
    _members(project, lambda m: m.update({"musterstadt": {"faelle": {"allow_empty": True}}}))
    with pytest.raises(ConfigError, match=r"members\.musterstadt\.faelle: Die Ressource "
                                          r"'faelle' gibt es .*nicht \(vorhanden: fallzahlen\)"):
        catalog.load(project, f"{COUNTS}-musterstadt")


def test_a_wrong_key_of_a_member_is_named_where_it_was_written(project: Path) -> None:
    _members(project, lambda m: m["beispielburg"]["fallzahlen"]["source"].update(delimiter=";;"))
    with pytest.raises(ConfigError, match=r"dataset.yaml von 'fallzahlen-verwaltungsleistungen': "
                                          r"Angabe 'members\.beispielburg\.fallzahlen\.source\."
                                          r"delimiter' ist ungültig"):
        catalog.load(project, f"{COUNTS}-beispielburg")
    _members(project, lambda m: m.update({"musterstadt": {"fallzahlen": {"quelle": {}}}}))
    with pytest.raises(ConfigError, match=r"Angabe 'members\.musterstadt\.fallzahlen' ist"):
        catalog.load(project, f"{COUNTS}-weiterdorf")
