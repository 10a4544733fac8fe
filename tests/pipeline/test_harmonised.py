"""A harmonised key figure on the command line: each member's table is published for the member,
and the association's combined table holds exactly the members whose data passed, with the AGS
as first column, and gives no hidden cell away.

The example's case counts are made small here (three months, two services, a total per month
and service), so a run takes seconds and secondary suppression has sums to protect against.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy.optimize import Bounds, LinearConstraint, milp

from flows.cli import EXIT_FAILED, EXIT_OK, main
from flows.specs.members import load_members
from tests.helpers import COUNTS, ROOT

MEMBERS = ("musterstadt", "beispielburg", "weiterdorf")
NAMES = [COUNTS, *(f"{COUNTS}-{m}" for m in MEMBERS)]
SERVICES = ("Wohnsitz anmelden", "Hund anmelden")
COUNTS_OF = {  # member → (online, Schalter, Post) per month and service; 1 and 2 are hidden
    "musterstadt": [(12, 40, 1), (15, 38, 6), (1, 30, 9)],
    "beispielburg": [(20, 55, 4), (2, 61, 7), (22, 48, 5)],
    "weiterdorf": [(3, 9, 1), (4, 11, 0), (5, 2, 3)],
}


def _small(project: Path, broken: str | None = None) -> None:
    """The example made small: every member's own little export, a total row per month and
    service (`kanal: gesamt`) that protect knows of; `broken`: a member whose export has a
    count that is not a number."""
    folder = project / "datapackages" / COUNTS
    schema_path = project / "schemas" / f"{COUNTS}.schema.yaml"
    schema = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] == "kanal":
            field["constraints"]["enum"].append("gesamt")
    schema_path.write_text(yaml.safe_dump(schema, allow_unicode=True), encoding="utf-8")
    (folder / "rules.yaml").unlink()  # the shipped rules know no total rows
    internal = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8"))
    internal["resources"]["fallzahlen"]["protect"]["small_counts"]["groups"] = [
        {"by": ["monat", "leistung"], "total": {"kanal": "gesamt"}}]
    internal["members"] = {m: {"fallzahlen": {"source": {"path": f"source/{m}-klein.csv"}}}
                           for m in MEMBERS}
    (folder / "dataset.yaml").write_text(yaml.safe_dump(internal, allow_unicode=True,
                                                        sort_keys=False),
                                         encoding="utf-8")
    for member, months in COUNTS_OF.items():
        lines = ["Monat;Leistung;Kanal;Anzahl;Bearbeitungstage (Mittel)"]
        for month, (online, counter, post) in enumerate(months, start=1):
            for offset, service in enumerate(SERVICES):
                values = {"online": online + offset, "Schalter": counter, "Post": post}
                if member == broken and month == 2:
                    values["Post"] = "zwölf"  # type: ignore[assignment]
                for channel, count in values.items():
                    lines.append(f"01.0{month}.2025;{service};{channel};{count};2,5")
                total = sum(v for v in values.values() if isinstance(v, int))
                lines.append(f"01.0{month}.2025;{service};gesamt;{total};2,5")
        (folder / "source" / f"{member}-klein.csv").write_text("\n".join(lines) + "\n",
                                                               encoding="utf-8")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _report(out: Path, name: str) -> dict[str, Any]:
    (run,) = [p for p in (out / "reports").iterdir() if p.name != "latest"]
    return json.loads((run / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, int]]:
    """One run of the small example with every member valid: (catalog, out folder, exit)."""
    import shutil

    root = tmp_path_factory.mktemp("harmonised")
    project = root / "project"
    shutil.copytree(ROOT / "datapackages", project / "datapackages")
    shutil.copytree(ROOT / "schemas", project / "schemas")
    _small(project)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KENNZAHLEN_PROJECT", str(project))
        patch.setenv("KENNZAHLEN_OUT", str(root / "out"))
        code = main(["publish", *NAMES, "--target", f"local:{root / 'catalog'}"])
        yield root / "catalog", root / "out", code


def test_the_combined_table_has_the_ags_first_and_every_valid_member(
        published: tuple[Path, Path, int]) -> None:
    catalog, out, code = published
    assert code == EXIT_OK
    members = load_members(ROOT)
    combined = _rows(catalog / COUNTS / "fallzahlen.csv")
    with (catalog / COUNTS / "fallzahlen.csv").open(encoding="utf-8") as handle:
        assert handle.readline().startswith("ags,monat,leistung,kanal,anzahl")
    assert [r["ags"] for r in combined] == [members[m].ags for m in MEMBERS for _ in range(24)]
    for member in MEMBERS:  # each member's published table, exactly, with its AGS
        own = _rows(catalog / f"{COUNTS}-{member}" / "fallzahlen.csv")
        assert [{k: v for k, v in r.items() if k != "ags"} for r in combined
                if r["ags"] == members[member].ags] == own
    descriptor = json.loads((catalog / COUNTS / "datapackage.json").read_text("utf-8"))
    assert descriptor["resources"][0]["schema"]["fields"][0]["name"] == "ags"
    assert descriptor["resources"][0]["schema"]["primaryKey"][0] == "ags"
    assert "Nicht enthalten" not in descriptor["description"]
    assert all(members[m].name in descriptor["description"] for m in MEMBERS)
    member_page = json.loads((catalog / f"{COUNTS}-weiterdorf" / "datapackage.json")
                             .read_text("utf-8"))
    assert member_page["title"].endswith("– Weiterdorf")


def test_no_hidden_cell_of_a_member_can_be_recomputed_from_all_published_tables(
        published: tuple[Path, Path, int]) -> None:
    """An attacker's linear program over the combined table and every member table (the sums
    per month and service are published): every hidden count keeps at least two values."""
    catalog, out, _ = published
    combined = _rows(catalog / COUNTS / "fallzahlen.csv")
    hidden = [i for i, r in enumerate(combined) if r["anzahl"] == "."]
    report = _report(out, COUNTS)
    protection = report["protection"]["fallzahlen"]
    assert protection["audit_hidden_cells"] == len(hidden) > 0  # the audit ran on all of them
    assert protection["suppressed_secondary"] > 0  # members had to protect against their sums
    # the member tables are the combined rows without the AGS (first test): they add nothing
    widths = _attacker_widths(combined, hidden)
    assert min(widths) >= 1, "a hidden cell is determined by what is published"


def _attacker_widths(rows: list[dict[str, str]], hidden: list[int]) -> list[float]:
    """Per hidden cell, the largest minus the smallest whole value ≥ 0 that agrees with every
    published sum (total row = sum of the channels, per AGS, month and service)."""
    index = {row: n for n, row in enumerate(hidden)}
    groups: dict[tuple[str, str, str], list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault((row["ags"], row["monat"], row["leistung"]), []).append(i)
    equations, constants = [], []
    for members in groups.values():
        coefficients, constant = np.zeros(len(hidden)), 0.0
        for i in members:
            sign = -1.0 if rows[i]["kanal"] == "gesamt" else 1.0
            if i in index:
                coefficients[index[i]] += sign
            else:
                constant -= sign * float(rows[i]["anzahl"])
        if coefficients.any():
            equations.append(coefficients)
            constants.append(constant)
    constraint = LinearConstraint(np.array(equations), constants, constants)
    bounds, integral = Bounds(0, 10_000), np.ones(len(hidden))
    widths = []
    for n in range(len(hidden)):
        goal = np.zeros(len(hidden))
        goal[n] = 1.0
        low = milp(goal, constraints=constraint, bounds=bounds, integrality=integral)
        high = milp(-goal, constraints=constraint, bounds=bounds, integrality=integral)
        assert low.success and high.success
        widths.append(-high.fun - low.fun)
    return widths


def test_a_member_with_invalid_data_is_left_out_of_the_combined_table_with_a_note(
        env: dict[str, str], project: Path, tmp_path: Path) -> None:
    _small(project, broken="beispielburg")
    catalog = tmp_path / "catalog"
    assert main(["publish", *NAMES, "--target", f"local:{catalog}"]) == EXIT_FAILED
    out = Path(env["KENNZAHLEN_OUT"])
    assert _report(out, f"{COUNTS}-beispielburg")["status"] == "invalid"
    assert _report(out, f"{COUNTS}-musterstadt")["status"] == "published"
    members = load_members(ROOT)
    combined = _rows(catalog / COUNTS / "fallzahlen.csv")
    assert {r["ags"] for r in combined} == {members["musterstadt"].ags, members["weiterdorf"].ags}
    assert not any(r["ags"] == members["beispielburg"].ags for r in combined)
    report = _report(out, COUNTS)
    assert report["status"] == "published"
    (note,) = [p for p in report["problems"] if p["code"] == "member-left-out"]
    assert note["severity"] == "warning" and "Stadt Beispielburg (Beispiel)" in note["message"]
    assert "ungültig" in note["message"] and "zwölf" not in json.dumps(report)
    description = json.loads((catalog / COUNTS / "datapackage.json").read_text("utf-8"))[
        "description"]
    assert ("Nicht enthalten: Stadt Beispielburg (Beispiel) – der Datensatz des Mitglieds ist "
            "nicht veröffentlicht (ungültig)") in description
    assert "Nicht enthalten: Stadt Beispielburg (Beispiel)" in (
        catalog / COUNTS / "index.html").read_text(encoding="utf-8")
