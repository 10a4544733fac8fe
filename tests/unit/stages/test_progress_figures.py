"""Key figures beside a field of action, from another dataset's published table."""

from __future__ import annotations

from flows.model.tables import Table
from flows.specs.progress import KeyFigureSpec
from flows.stages.progress_figures import key_figure

COUNTS = Table(["monat", "leistung", "kanal", "anzahl"], [
    ["2024-01-01", "Pass", "online", "10"], ["2024-01-01", "Pass", "Schalter", "30"],
    ["2025-01-01", "Pass", "online", "20"], ["2025-02-01", "Pass", "Schalter", "."],
    ["2025-02-01", "Ausweis", "Schalter", "20"], ["2023-05-01", "Pass", "online", "1"]])


def test_online_share_per_year_shows_the_last_two_years() -> None:
    spec = KeyFigureSpec("Bürgerservice", "Online-Anteil", "fallzahlen", "fallzahlen",
                         sum="anzahl", where={"kanal": "online"}, share_of={}, per_year="monat")
    figure = key_figure(spec, COUNTS, "Fallzahlen")
    assert figure.values == (("2024", "25 %"), ("2025", "50 %"))  # "." counts as no value
    assert figure.source == "Fallzahlen" and figure.field_of_action == "Bürgerservice"


def test_a_row_count_and_a_sum_without_periods() -> None:
    rows = KeyFigureSpec("F", "Dienste", "d", "r")
    assert key_figure(rows, COUNTS, "D").values == (("", "6"),)
    total = KeyFigureSpec("F", "Fälle", "d", "r", sum="anzahl", where={"leistung": "Pass"})
    assert key_figure(total, COUNTS, "D").values == (("", "61"),)


def test_an_unpublished_dataset_or_unknown_field_gives_no_values() -> None:
    spec = KeyFigureSpec("F", "X", "d", "r", sum="fehlt")
    assert key_figure(spec, COUNTS, "D").values == ()
    assert key_figure(KeyFigureSpec("F", "X", "d", "r"), None, "D").values == ()
