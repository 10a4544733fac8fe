"""Members of a Stadtverbund in catalog.yaml, and `member:` in dataset.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.errors import ConfigError
from flows.specs import catalog
from flows.specs.members import load_association, load_members, member_of

DATASET = "online-dienste"
"""An example dataset of the association (no member:)."""


def _catalog(project: Path) -> dict:
    return yaml.safe_load((project / "datapackages" / "catalog.yaml").read_text(encoding="utf-8"))


def _write_catalog(project: Path, data: dict) -> None:
    (project / "datapackages" / "catalog.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _set_member(project: Path, dataset: str, member: str | None, *, ckan: bool = False) -> None:
    path = project / "datapackages" / dataset / "dataset.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if member:
        data["member"] = member
    if not ckan:
        data.pop("ckan", None)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_example_declares_three_members_and_the_association(project: Path) -> None:
    members = load_members(project)
    assert list(members) == ["musterstadt", "beispielburg", "weiterdorf"]
    burg = members["beispielburg"]
    assert (burg.ags, burg.place, burg.centroid) == ("07319000", "Beispielburg",
                                                     "POINT(8.3616 49.6341)")
    assert burg.owner_org == "stadt-beispielburg"
    assert burg.catalog_title == "Kennzahlen der Stadt Beispielburg (Beispiel)"
    assert all("(Beispiel)" in m.name for m in members.values())
    assert load_association(project).name == "Stadtverbund Musterland (Beispiel)"


def test_a_project_without_members_has_none_and_loads_as_before(project: Path) -> None:
    data = _catalog(project)
    del data["members"], data["association"]
    _write_catalog(project, data)
    assert load_members(project) == {}
    assert load_association(project) is None
    spec = catalog.load(project, DATASET, check=False)
    assert spec.member is None and spec.owner_org == "stadt-musterstadt"
    assert spec.descriptor["dcat"]["ags"] == data["dataset_defaults"]["ags"]


def test_a_members_dataset_takes_its_publisher_geocoding_and_organisation(project: Path) -> None:
    _set_member(project, DATASET, "weiterdorf")
    spec = catalog.load(project, DATASET)
    assert spec.member == "weiterdorf"
    assert member_of(spec, load_members(project)).name == "Gemeinde Weiterdorf (Beispiel)"
    dcat = spec.descriptor["dcat"]
    assert dcat["publisher"]["name"] == "Gemeinde Weiterdorf"
    assert (dcat["ags"], dcat["place"], dcat["centroid"]) == (
        "06432024", "Weiterdorf", "POINT(8.5925 49.9048)")
    assert dcat["contributor_id"] == ["http://dcat-ap.de/def/contributors/hessen"]
    assert dcat["geocoding_level"] == "municipality"  # still from dataset_defaults
    assert (spec.owner_org, spec.organization_title) == ("gemeinde-weiterdorf",
                                                         "Gemeinde Weiterdorf")


def test_a_datasets_own_dcat_values_win_over_its_member(project: Path) -> None:
    _set_member(project, DATASET, "beispielburg")
    path = project / "datapackages" / DATASET / "datapackage.yaml"
    descriptor = yaml.safe_load(path.read_text(encoding="utf-8"))
    descriptor.setdefault("dcat", {})["place"] = "Beispielburg-Nord"
    path.write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")
    dcat = catalog.load(project, DATASET, check=False).descriptor["dcat"]
    assert dcat["place"] == "Beispielburg-Nord"
    assert dcat["ags"] == "07319000"


def test_an_unknown_member_is_named_with_the_known_ones(project: Path) -> None:
    _set_member(project, DATASET, "nirgendwo")
    with pytest.raises(ConfigError, match="Mitglied 'nirgendwo'.*musterstadt, beispielburg"):
        catalog.load(project, DATASET, check=False)


def test_another_organisation_than_the_members_is_refused(project: Path) -> None:
    _set_member(project, DATASET, "beispielburg", ckan=True)
    with pytest.raises(ConfigError, match="ckan:-Block weglassen"):
        catalog.load(project, DATASET, check=False)


def test_a_dataset_of_the_association_still_needs_its_organisation(project: Path) -> None:
    _set_member(project, DATASET, None)
    with pytest.raises(ConfigError, match="ckan.owner_org fehlt"):
        catalog.load(project, DATASET, check=False)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda m: m.update(ags="7319000"), r"Mitglied 'beispielburg': Angabe 'ags' ist ungültig "
                                         r"\(erwartet: der Amtliche Gemeindeschlüssel"),
    (lambda m: m.pop("centroid"), r"Mitglied 'beispielburg': Angabe 'centroid' fehlt\."),
    (lambda m: m.update(bürgermeister="x"), r"Mitglied 'beispielburg' enthält unbekannte "
                                             r"Angaben \(bürgermeister\)"),
    (lambda m: m["publisher"].update(type="Kommune"), r"'publisher.type' ist ungültig"),
])
def test_a_wrong_member_is_named_in_german(project: Path, change, expected: str) -> None:
    data = _catalog(project)
    change(data["members"]["beispielburg"])
    _write_catalog(project, data)
    with pytest.raises(ConfigError, match=expected) as caught:
        load_members(project)
    assert "datapackages/catalog.yaml" in str(caught.value)
    assert "members.schema.json" in str(caught.value)


def test_a_bad_member_id_and_a_shared_organisation_are_refused(project: Path) -> None:
    data = _catalog(project)
    data["members"]["Groß Stadt"] = data["members"].pop("weiterdorf")
    _write_catalog(project, data)
    with pytest.raises(ConfigError, match="Mitglied 'Groß Stadt' hat einen ungültigen Namen"):
        load_members(project)
    data = _catalog(project)
    data["members"]["weiterdorf"] = data["members"].pop("Groß Stadt")
    data["members"]["weiterdorf"]["ckan"]["owner_org"] = "stadt-beispielburg"
    _write_catalog(project, data)
    with pytest.raises(ConfigError, match="'stadt-beispielburg' gehört schon dem Mitglied "
                                          "'beispielburg'"):
        load_members(project)


def test_the_pages_name_the_association_unless_the_site_names_someone(project: Path) -> None:
    from flows.metadata.descriptor import load_catalog

    data = _catalog(project)
    del data["site"]["municipality"]
    _write_catalog(project, data)
    assert load_catalog(project).site["municipality"] == "Stadtverbund Musterland (Beispiel)"
    del data["association"]
    _write_catalog(project, data)
    assert load_catalog(project).site["municipality"] == data["dataset_defaults"]["publisher"][
        "name"]


def test_a_members_dataset_is_checked_in_its_members_catalog(project: Path) -> None:
    from flows.specs.members import catalog_of

    own = catalog_of(project, catalog.load(project, "bibliothek-ausleihen", check=False))
    joint = catalog_of(project, catalog.load(project, DATASET, check=False))
    assert own.uri == f"{joint.base_url}/mitglieder/beispielburg/"
    assert own.title == "Kennzahlen der Stadt Beispielburg (Beispiel)"
    assert own.defaults["publisher"]["name"] == "Stadt Beispielburg"
    assert own.dataset_uri("x") == joint.dataset_uri("x")  # one URI per dataset in every catalog
    assert joint.uri == f"{joint.base_url}/"


def test_an_association_that_is_no_mapping_is_named_not_a_traceback(project: Path) -> None:
    from flows.metadata.descriptor import load_catalog

    data = _catalog(project)
    data["association"] = "Stadtverbund Musterland"
    _write_catalog(project, data)
    assert load_catalog(project).site["municipality"] == data["site"]["municipality"]
    with pytest.raises(ConfigError, match=r"datapackages/catalog.yaml, Angabe 'association' ist "
                                          r"ungültig\."):
        load_association(project)


def test_a_dataset_cannot_take_the_name_of_the_members_catalogs_folder(project: Path) -> None:
    folder = project / "datapackages" / "mitglieder"
    (project / "datapackages" / DATASET).rename(folder)
    descriptor = folder / "datapackage.yaml"
    descriptor.write_text(descriptor.read_text(encoding="utf-8").replace(
        f"name: {DATASET}", "name: mitglieder", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="'mitglieder' ist vergeben.*mitglieder-liste") as error:
        catalog.load(project, "mitglieder", check=False)
    assert error.value.dataset == "mitglieder"
