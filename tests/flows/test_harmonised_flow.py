"""The nightly flow runs a harmonised key figure's combined table after its members and leaves
out a member whose data are invalid."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from flows.specs.members import load_members
from tests.helpers import COUNTS, ROOT, SMALL_MEMBERS, small_harmonised

pytestmark = pytest.mark.harness


def test_the_combined_table_waits_for_its_members_and_holds_only_the_valid_ones(
        prefect_harness: None, env: dict[str, str], project: Path, tmp_path: Path) -> None:
    from flows.publish_all import nightly_publish

    small_harmonised(project, broken="weiterdorf")
    catalog = tmp_path / "katalog"
    names = [COUNTS, *(f"{COUNTS}-{m}" for m in SMALL_MEMBERS)]  # the combined one first
    state = nightly_publish(datasets=names, targets=[f"local:{catalog}"], project=str(project),
                            run_id="harmonised", return_state=True)
    assert state.is_failed() and "1 nicht veröffentlicht" in state.message
    summary = json.loads((Path(env["KENNZAHLEN_OUT"]) / "reports/harmonised/summary.json")
                         .read_text(encoding="utf-8"))
    order = [d["dataset"] for d in summary["datasets"]]
    assert order[-1] == COUNTS and sorted(order[:-1]) == sorted(names[1:])
    statuses = {d["dataset"]: d["status"] for d in summary["datasets"]}
    assert statuses[COUNTS] == "published" and statuses[f"{COUNTS}-weiterdorf"] == "invalid"
    members = load_members(ROOT)
    with (catalog / COUNTS / "fallzahlen.csv").open(encoding="utf-8", newline="") as handle:
        found = {row["ags"] for row in csv.DictReader(handle)}
    assert found == {members["musterstadt"].ags, members["beispielburg"].ags}
    description = json.loads((catalog / COUNTS / "datapackage.json").read_text("utf-8"))[
        "description"]
    assert "Nicht enthalten: Gemeinde Weiterdorf (Beispiel)" in description
