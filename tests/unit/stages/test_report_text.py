"""The report text: markdown for a dataset and a run, one German line per problem."""

from __future__ import annotations

from flows.model.results import DatasetResult
from flows.stages.report_text import markdown_dataset, text_problem
from tests.helpers import report_summary


def test_markdown_and_text_name_location_and_advice() -> None:
    bad = report_summary().results[1]
    text = markdown_dataset(bad)
    assert "## Falscher Datentyp (1)" in text and "Zeile 3" in text and "Was tun?" in text
    line = text_problem(bad.problems[0])
    assert "Datensatz b, Datei b.csv, Zeile 3, Feld anzahl" in line and "→" in line


def test_markdown_shows_the_plausibility_comparison_as_a_table() -> None:
    from flows.stages.report_text import markdown_dataset

    result = DatasetResult(name="d", title="D", status="published", plausibility=[
        {"resource": "r", "kind": "row-count", "label": "Anzahl Zeilen", "old": 1200, "new": 1239,
         "change_percent": 3.3, "threshold": 50.0, "exceeds": False},
        {"resource": "r", "kind": "group-sum", "label": "Summe anzahl für Leistung=Pass",
         "old": 110, "new": 220.5, "change_percent": 100.5, "threshold": 50.0, "exceeds": True},
    ])
    text = markdown_dataset(result)
    assert "## Vergleich mit der letzten Veröffentlichung" in text
    lines = text.splitlines()
    first = lines.index("|---|---|---|---|---|---|---|") + 1
    assert lines[first] == ("| r | Summe anzahl für Leistung=Pass | 110 | 220,5 | +100,5 % "
                            "| 50 % | ja, Freigabe nötig |")
    assert lines[first + 1] == "| r | Anzahl Zeilen | 1.200 | 1.239 | +3,3 % | 50 % | nein |"
    assert "weitere" not in text
    many = DatasetResult(name="d", status="published", plausibility=result.plausibility * 15)
    assert "… und 10 weitere im JSON-Bericht." in markdown_dataset(many)
    assert "Vergleich" not in markdown_dataset(DatasetResult(name="d", status="published"))


def test_the_run_summary_counts_what_was_removed_and_whom_it_told() -> None:
    from flows.stages.report_text import markdown_summary

    summary = report_summary()
    assert "Aufgeräumt" not in markdown_summary(summary)
    summary.housekeeping = {"removed": {"reports": 3, "held": 1, "caches": 0},
                            "notified": {"sent": 2, "failed": 1,
                                         "problems": ["E-Mail an x fehlt."]}}
    text = markdown_summary(summary)
    assert ("Aufgeräumt (älter als die Aufbewahrungsfrist): 3 Berichte, 1 zurückgehaltene "
            "Versionen, 0 Cache-Dateien.") in text
    assert "Benachrichtigungen: 2 verschickt, 1 nicht zugestellt.\n- E-Mail an x fehlt." in text


def test_markdown_names_the_suppression_audit_figures() -> None:
    result = DatasetResult("fallzahlen", "Fallzahlen", "published", protection={
        "fallzahlen": {"suppressed_primary": 3, "audit_hidden_cells": 5,
                       "audit_narrowest_width": 1},
        "summen": {"suppressed_primary": 0, "audit_hidden_cells": 0}})
    text = markdown_dataset(result)
    assert ("**Geheimhaltung (fallzahlen):** 5 Werte gesperrt; jeder lässt sich aus allem "
            "Veröffentlichten auf nicht weniger als 2 mögliche Werte eingrenzen.") in text
    assert "summen" not in text
