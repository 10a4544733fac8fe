"""Progress of large resources: reported to the sink of the run, throttled, always the last."""

from __future__ import annotations

from flows.run import throughput
from flows.run.throughput import RowsRead


def test_rows_go_to_the_sink_throttled_and_the_last_always() -> None:
    seen: list[RowsRead] = []
    with throughput.reporting(seen.append, every=3600):
        for rows in (100, 200, 300):
            throughput.rows_read("d", "r", rows, started=0.0)
        throughput.rows_read("d", "r", 400, started=0.0, finished=True)
    throughput.rows_read("d", "r", 500, started=0.0, finished=True)  # no sink: nothing
    assert [(item.rows, item.finished) for item in seen] == [(100, False), (400, True)]
    assert seen[0].per_second > 0


def test_the_line_names_dataset_resource_rows_and_speed() -> None:
    line = RowsRead("gross", "fallzahlen", 1_234_567, 2.0, finished=True).text()
    assert line == "gross/fallzahlen: fertig, 1.234.567 Zeilen (617.284 Zeilen/s)"
