from __future__ import annotations

import json

import pytest

from flows.adapters.ckan.mapping import (
    DATASET_ROWS,
    EXTRA_ROWS,
    RESOURCE_FIELDS,
    extra,
    extras_from_ckan,
    extras_to_ckan,
    from_ckan,
    groups,
    merge_extras,
    resource_fields,
    to_ckan,
)
from flows.metadata.dcat import Distribution, keywords
from flows.specs import catalog
from tests.helpers import ROOT

DESCRIPTOR = {
    "name": "beispiel",
    "title": "Beispiel",
    "description": "Text",
    "version": "1.2.0",
    "licenses": [{"path": "http://dcat-ap.de/def/licenses/dl-by-de/2.0"}],
    "keywords": ["Haushalt", "Kosten"],
    "contributors": [
        {"title": "Amt A", "email": "a@example.org", "roles": ["maintainer"]},
        {"title": "Amt B", "email": "b@example.org", "roles": ["author"]},
    ],
    "dcat": {"uri": "https://daten.example.org/kennzahlen/beispiel"},
}


def test_round_trip_descriptor_to_ckan_and_back() -> None:
    assert from_ckan(to_ckan(DESCRIPTOR)) == DESCRIPTOR


@pytest.mark.parametrize("row", DATASET_ROWS, ids=lambda r: r.ckan_key)
def test_each_row_carries_its_value(row) -> None:  # noqa: ANN001
    package = to_ckan(DESCRIPTOR)
    assert row.ckan_key in package
    back = from_ckan({row.ckan_key: package[row.ckan_key]})
    assert row.read(back) == row.read(DESCRIPTOR)


def test_expected_ckan_fields() -> None:
    package = to_ckan(DESCRIPTOR)
    assert package["notes"] == "Text"
    assert package["license_id"] == "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
    assert package["tags"] == [{"name": "Haushalt"}, {"name": "Kosten"}]
    assert package["url"] == "https://daten.example.org/kennzahlen/beispiel/"  # catalog page
    assert (package["maintainer"], package["maintainer_email"]) == ("Amt A", "a@example.org")


def test_shipped_descriptors_map_without_loss() -> None:
    for name in catalog.dataset_names(ROOT):
        descriptor = catalog.load(ROOT, name).descriptor
        package = to_ckan(descriptor)
        assert package["name"] == name and package["title"] and package["license_id"]
        assert from_ckan(package)["keywords"] == sorted(keywords(descriptor))
        label = descriptor["dcat"]["musterdatensatz"]["label"]
        assert {"name": label} in package["tags"], "the Musterdatensatz is a keyword on CKAN too"


def test_merge_extras_keeps_foreign_extras_and_replaces_ours() -> None:
    existing = [{"key": "spatial", "value": "x"}, {"key": "h", "value": "old"}]
    merged = merge_extras(existing, {"h": "new"})
    assert merged == [{"key": "spatial", "value": "x"}, {"key": "h", "value": "new"}]
    assert extra({"extras": merged}, "h") == "new" and extra({}, "h") is None


def _shipped(name: str = "fallzahlen-verwaltungsleistungen-musterstadt") -> dict:
    descriptor = catalog.load(ROOT, name).public_descriptor()
    descriptor["dcat"]["temporal"] = {"start": "2021-01-01", "end": "2025-12-31"}
    return descriptor


def _as_package(extras: dict[str, str]) -> dict:
    return {"extras": [{"key": k, "value": v} for k, v in extras.items()]}


@pytest.mark.parametrize("row", EXTRA_ROWS, ids=lambda r: r.ckan_key)
def test_each_extra_row_round_trips(row) -> None:  # noqa: ANN001
    extras = extras_to_ckan(_shipped())
    assert row.ckan_key in extras
    back = extras_from_ckan(_as_package({row.ckan_key: extras[row.ckan_key]}))
    assert row.read(back) == row.read(_shipped())


def test_list_extras_are_json_lists_of_uris_as_ckanext_dcatde_reads_them() -> None:
    extras = extras_to_ckan(_shipped())
    assert json.loads(extras["contributorID"]) == [
        "http://dcat-ap.de/def/contributors/openGovernmentDataPortalRheinlandPfalz"]
    assert json.loads(extras["politicalGeocodingURI"]) == [
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/07318000"]
    assert json.loads(extras["references"]) == [
        "https://musterdatenkatalog.de/def/musterdatensatz/buergerservice/dienstleistung"]
    assert extras["frequency"] == "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    assert groups(_shipped()) == [{"name": "gove"}]


def test_resource_fields_are_the_distribution_fields_with_the_portal_download_url() -> None:
    url = "http://ckan.example/dataset/x/resource/1/download/fallzahlen.csv"
    item = Distribution("fallzahlen.csv", "Fallzahlen je Monat", "", "csv", "text/csv", 1617)
    fields = resource_fields(_shipped(), item, url)
    assert fields == {
        "name": "Fallzahlen je Monat",
        "access_url": url,  # K39: the same URL for both; DCAT-AP requires an access URL
        "download_url": url,
        "format": "http://publications.europa.eu/resource/authority/file-type/CSV",
        "mimetype": "text/csv",  # CKAN's Content-Type; the profile states the IANA IRI
        "license": "http://dcat-ap.de/def/licenses/dl-by-de/2.0",
        "rights": "Datenlizenz Deutschland Namensnennung 2.0; Quelle: Stadt "
                  "Musterstadt: Fallzahlen der Verwaltungsleistungen nach Zugangskanal "
                  "(Beispieldaten) – Musterstadt",
        "licenseAttributionByText": "Stadt Musterstadt: Fallzahlen der Verwaltungsleistungen "
                                    "nach Zugangskanal (Beispieldaten) – Musterstadt",
        "size": 1617,
        "issued": "2025-01-15",
        "availability":
            "http://publications.europa.eu/resource/authority/planned-availability/STABLE",
    }
    assert set(RESOURCE_FIELDS) >= set(fields)
