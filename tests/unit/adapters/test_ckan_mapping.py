from __future__ import annotations

import pytest

from flows import catalog
from flows.adapters.ckan_mapping import DATASET_ROWS, extra, from_ckan, merge_extras, to_ckan
from tests.helpers import ROOT

DESCRIPTOR = {
    "name": "beispiel",
    "title": "Beispiel",
    "description": "Text",
    "version": "1.2.0",
    "homepage": "https://example.org/x",
    "licenses": [{"path": "http://dcat-ap.de/def/licenses/dl-by-de/2.0"}],
    "keywords": ["Haushalt", "Kosten"],
    "contributors": [
        {"title": "Amt A", "email": "a@example.org", "roles": ["maintainer"]},
        {"title": "Amt B", "email": "b@example.org", "roles": ["author"]},
    ],
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
    assert (package["maintainer"], package["maintainer_email"]) == ("Amt A", "a@example.org")


def test_shipped_descriptors_map_without_loss() -> None:
    for name in catalog.dataset_names(ROOT):
        descriptor = catalog.load(ROOT, name).descriptor
        package = to_ckan(descriptor)
        assert package["name"] == name and package["title"] and package["license_id"]
        assert from_ckan(package)["keywords"] == sorted(descriptor["keywords"])


def test_merge_extras_keeps_foreign_extras_and_replaces_ours() -> None:
    existing = [{"key": "spatial", "value": "x"}, {"key": "h", "value": "old"}]
    merged = merge_extras(existing, {"h": "new"})
    assert merged == [{"key": "spatial", "value": "x"}, {"key": "h", "value": "new"}]
    assert extra({"extras": merged}, "h") == "new" and extra({}, "h") is None
