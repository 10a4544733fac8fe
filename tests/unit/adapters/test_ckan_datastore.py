"""The DataStore copy's parts without a portal: the data dictionary from the Table Schema, the
records with markers as empty values, and no write when the DataStore already holds the rows
(the real CKAN is in tests/integration/test_datastore_ckan.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.adapters.ckan import datastore
from flows.run import sequence
from tests.helpers import ROOT

SCHEMA = {"fields": [{"name": "monat", "type": "date", "title": "Monat"},
                     {"name": "anzahl", "type": "integer", "title": "Anzahl",
                      "description": "Fälle."},
                     {"name": "art", "type": "yearmonth"}],
          "missingValues": ["", "."], "primaryKey": ["monat"]}


def test_fields_carry_types_labels_and_the_suppression_note() -> None:
    found = datastore.fields(SCHEMA)
    assert [(f["id"], f["type"]) for f in found] == [("monat", "date"), ("anzahl", "int"),
                                                      ("art", "text")]
    assert found[1]["info"]["label"] == "Anzahl"
    assert found[1]["info"]["notes"].startswith("Fälle. Ein gesperrter Wert")
    assert found[0]["info"]["notes"] == ""


def test_records_turn_markers_into_empty_values_in_batches(tmp_path: Path,
                                                           monkeypatch: Any) -> None:
    path = tmp_path / "t.csv"
    path.write_text("monat,anzahl,art\n2025-01-01,.,a\n2025-02-01,4,\n2025-03-01,5,c\n",
                    encoding="utf-8")
    monkeypatch.setattr(datastore, "BATCH", 2)
    batches = list(datastore.records(path, SCHEMA))
    assert batches == [[{"monat": "2025-01-01", "anzahl": None, "art": "a"},
                        {"monat": "2025-02-01", "anzahl": "4", "art": None}],
                       [{"monat": "2025-03-01", "anzahl": "5", "art": "c"}]]


def test_a_table_already_in_the_datastore_is_not_written_again(tmp_path: Path) -> None:
    bundle = sequence.prepare(ROOT, "digitalisierung-kosten", tmp_path / "w").bundle
    assert bundle is not None
    rows = sum(1 for _ in (bundle.directory / "kosten.csv").open(encoding="utf-8")) - 1
    calls: list[str] = []

    def call(action: str, dataset: str | None = None, **data: Any) -> Any:
        calls.append(action)
        if action == "datastore_search":
            return {"total": stored}
        if action == "resource_view_list":
            return [{"view_type": "datatables_view"}]
        return {}

    # as the uploader leaves them: named by their title, matched by their bundle file
    package = {"resources": [{"name": "Kosten", "kennzahlen_file": "kosten", "id": "r1",
                              "kennzahlen_managed": "true", "datastore_active": True},
                             {"name": "Kosten (JSON)", "kennzahlen_file": "kosten-json",
                              "id": "r2", "kennzahlen_managed": "true"}]}
    stored = rows
    assert datastore.push(call, package, bundle) == []
    assert calls == ["datastore_search", "resource_view_list"]
    calls.clear()
    stored = rows - 1  # an interrupted earlier copy: written again
    assert datastore.push(call, package, bundle) == ["kosten"]
    assert calls == ["datastore_search", "datastore_search", "datastore_delete",
                     "datastore_create", "resource_view_list"]
