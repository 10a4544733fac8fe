"""Unchanged sources: a dataset whose inputs did not change since its last good publication is
taken over without reading it, with the result a full run gives; any change, a failed or
invalid run, or a target that no longer shows the version means a full run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from flows.adapters.local.target import LocalCatalog
from flows.errors import TransientError
from flows.model.bundle import Bundle, PublishOutcome, Target
from flows.model.results import DatasetResult
from flows.run import sequence, unchanged
from flows.run.prepare import Prepared, prepare
from flows.run.unchanged import Unchanged
from tests.helpers import COUNTS, MONTHLY

SOURCE = Path("datapackages") / COUNTS / "source" / "fallzahlen.csv"


class Counting:
    """Plain steps that count how often a dataset is prepared (read, checked, bundled)."""

    def __init__(self, project: Path, workdir: Path) -> None:
        self.prepared: list[str] = []
        self.steps = sequence.PlainSteps(self._prepare)
        self.project, self.workdir = project, workdir

    def _prepare(self, name: str) -> Prepared:
        self.prepared.append(name)
        return prepare(self.project, name, self.workdir)


@pytest.fixture
def run(env: dict[str, str], project: Path, tmp_path: Path):  # noqa: ANN201, ARG001
    counting = Counting(project, tmp_path / "work")

    def once(targets: list[Target] | None = None, name: str = MONTHLY) -> DatasetResult:
        found = Unchanged.for_project(project)
        return sequence.run_dataset(name, targets or [LocalCatalog(tmp_path / "catalog")],
                                    counting.steps, None, tmp_path / "locks", found)

    once.counting = counting  # type: ignore[attr-defined]
    return once


def _comparable(result: DatasetResult) -> dict[str, Any]:
    data = result.to_dict()
    data.pop("seconds")
    for provenance in data["provenance"].values():
        provenance.pop("fetched_at", None)
        provenance.pop("unchanged_at", None)
    return data


def test_an_unchanged_dataset_is_not_read_and_gives_what_a_full_run_gives(
        run, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    first = run()
    with monkeypatch.context() as patched:  # the declaration is not even parsed
        patched.setattr(unchanged.catalog, "load", lambda *a, **k: pytest.fail("parsed"))
        second = run()
    assert (first.status, second.status) == ("published", "unchanged")
    assert run.counting.prepared == [MONTHLY]  # the second run read nothing
    assert "unchanged_at" in second.provenance["fallzahlen"]
    assert second.provenance["fallzahlen"]["fetched_at"] == first.provenance["fallzahlen"][
        "fetched_at"]  # when the data were really read
    monkeypatch.setenv("KENNZAHLEN_VALIDATION_CACHE", "off")
    full = run()
    assert run.counting.prepared == [MONTHLY, MONTHLY]
    assert full.status == "unchanged"
    assert _comparable(second) == _comparable(full)


def _append_byte(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\n")


def _edit_protect(project: Path) -> None:
    path = project / "datapackages" / COUNTS / "dataset.yaml"
    text = path.read_text(encoding="utf-8")
    assert "        k: 3\n" in text
    path.write_text(text.replace("        k: 3\n", "        k: 4\n"), encoding="utf-8")


CHANGES = {
    "source byte": lambda project, mp: _append_byte(project / SOURCE),
    "protection": lambda project, mp: _edit_protect(project),
    "schema": lambda project, mp: _append_byte(next((project / "schemas").glob("*.yaml"))),
    "catalog.yaml": lambda project, mp: _append_byte(project / "datapackages" / "catalog.yaml"),
    "inhabitants": lambda project, mp: _append_byte(project / "datapackages" / "einwohner.csv"),
    "setting": lambda project, mp: mp.setenv("KENNZAHLEN_BASE_URL", "https://daten.example.org"),
    "code": lambda project, mp: mp.setattr(unchanged, "code_digest", lambda: "other code"),
    "packages": lambda project, mp: mp.setattr(unchanged, "packages_digest", lambda: "other"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_of_inputs_means_a_full_run(run, project: Path, change: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    run()
    CHANGES[change](project, monkeypatch)
    prepared = len(run.counting.prepared)
    again = run()
    assert len(run.counting.prepared) == prepared + 1
    assert "unchanged_at" not in again.provenance["fallzahlen"]


def test_where_and_how_a_run_works_is_no_input(
        run, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """A nightly run that fans out and its dataset runs on other workers differ in these."""
    run()
    for name in ("KENNZAHLEN_FANOUT", "KENNZAHLEN_LEASE_SECONDS", "KENNZAHLEN_PORTAL_WRITES",
                 "KENNZAHLEN_HEARTBEAT_WINDOW"):
        monkeypatch.setenv(name, "7")
    assert run().status == "unchanged"
    assert len(run.counting.prepared) == 1


def test_a_variable_named_in_dataset_yaml_is_part_of_the_inputs(
        run, project: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    path = project / "datapackages" / COUNTS / "dataset.yaml"
    text = path.read_text(encoding="utf-8")
    assert "path: source/fallzahlen.csv" in text
    path.write_text(text.replace("path: source/fallzahlen.csv", "path: $EXPORTE/fallzahlen.csv"),
                    encoding="utf-8")
    monkeypatch.setenv("EXPORTE", str((project / SOURCE).parent))
    assert [run().status, run().status] == ["published", "unchanged"]
    assert len(run.counting.prepared) == 1
    other = project / "andere-ablage"
    other.mkdir()
    shutil.copy(project / SOURCE, other / "fallzahlen.csv")  # the same bytes elsewhere
    monkeypatch.setenv("EXPORTE", str(other))
    assert run().status == "unchanged" and len(run.counting.prepared) == 2


def test_a_target_that_lost_the_version_gets_it_again(run, tmp_path: Path) -> None:  # noqa: ANN001
    run()
    marker = tmp_path / "catalog" / MONTHLY / ".kennzahlen.json"
    marker.write_text(json.dumps({"content_hash": "another version"}), encoding="utf-8")
    again = run()
    assert again.status == "published" and run.counting.prepared == [MONTHLY, MONTHLY]


def test_another_target_means_a_full_run(run, tmp_path: Path) -> None:  # noqa: ANN001
    run()
    again = run([LocalCatalog(tmp_path / "catalog"), LocalCatalog(tmp_path / "second")])
    assert again.status == "published" and len(run.counting.prepared) == 2


def test_an_invalid_dataset_is_read_again_every_time(run, project: Path) -> None:  # noqa: ANN001
    source = project / SOURCE
    header, first, *rest = source.read_text(encoding="utf-8-sig").splitlines()
    cells = first.split(";")
    cells[3] = "viele"  # Anzahl is an integer
    source.write_text("\n".join([header, ";".join(cells), *rest]) + "\n", encoding="utf-8")
    results = [run(), run()]
    assert [r.status for r in results] == ["invalid", "invalid"]
    assert run.counting.prepared == [MONTHLY, MONTHLY]


class Failing(LocalCatalog):
    def publish(self, bundle: Bundle) -> PublishOutcome:
        raise TransientError("Portal nicht erreichbar.")


def test_a_failed_publication_is_not_remembered(run, tmp_path: Path) -> None:  # noqa: ANN001
    catalog = Failing(tmp_path / "catalog")
    catalog.label = "local:" + str(tmp_path / "catalog")
    results = [run([catalog]), run()]
    assert [r.status for r in results] == ["failed", "published"]
    assert len(run.counting.prepared) == 2


def test_a_database_server_or_web_api_is_always_read(project: Path, env: dict[str, str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    found = Unchanged.for_project(project)
    assert found is not None
    assert found.check("gewerbemeldungen-monatlich", [], set())[0] is not None  # SQLite file
    monkeypatch.setenv("GEWERBE_DB_URL", "postgresql://db.example/gewerbe")
    assert found.check("gewerbemeldungen-monatlich", [], set())[0] is None
    assert found.check("ratsinformation-kennzahlen", [], set())[0] is None  # incremental
    assert found.check("digitalisierung-kosten", [], set())[0] is not None
    # a measures plan's progress report shows other datasets' last publications
    assert found.check("digitalstrategie-massnahmen", [], set())[0] is None


def test_switched_off_with_the_validation_cache(project: Path, env: dict[str, str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KENNZAHLEN_VALIDATION_CACHE", "off")
    assert Unchanged.for_project(project) is None
