"""The SQL source against the real PostgreSQL that scripts/ckan-dev starts (its own database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.specs.datasets import AggregateSpec, ResourceSpec, SourceSpec
from flows.stages.aggregate import aggregate
from flows.stages.collect import collect
from tests.helpers import ROOT

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def source_db(ckan: dict[str, str]) -> str:
    import psycopg

    dsn = ckan["CKAN_DEV_PG_DSN"]
    with psycopg.connect(dsn) as db:
        db.execute("DROP TABLE IF EXISTS meldung")
        db.execute("CREATE TABLE meldung (id serial, eingang date, art text, inhaber text)")
        with db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO meldung (eingang, art, inhaber) VALUES (%s, %s, %s)",
                [(f"2026-{m:02d}-{d:02d}", "Anmeldung" if d % 3 else "Abmeldung", f"P{m}{d}")
                 for m in (1, 2) for d in range(1, 29)])
    return dsn


def _resource(**options: object) -> ResourceSpec:
    spec = AggregateSpec(group_by=("monat", "art"), period={"field": "eingang", "to": "month",
                                                             "as": "monat"},
                         measures=({"as": "anzahl", "fn": "count"},))
    return ResourceSpec("r", "r.csv", "s", {"fields": []}, SourceSpec(kind="sql", options=options),
                        aggregate=spec)


def test_postgres_query_streams_and_aggregates(source_db: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACH_DB_URL", source_db.replace("postgresql://", "postgresql+psycopg://"))
    res = _resource(url_env="FACH_DB_URL", query="SELECT eingang, art FROM meldung",
                    chunk_size=10)
    raw = collect(res, "d", ROOT)
    assert raw.ok, raw.problems
    assert len(raw.rows) == 56
    assert ":***@" in raw.provenance["location"] and "ckan:ckan" not in raw.provenance["location"]
    figures = aggregate(raw, res, "d", "f")
    assert figures.rows[:2] == [["2026-01-01", "Abmeldung", "9"], ["2026-01-01", "Anmeldung", "19"]]


def test_postgres_wrong_password_is_a_clear_problem_without_the_password(
        source_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FALSCHES_PASSWORT", "falsch-0815-xyz")
    url = source_db.replace("ckan:ckan@", "ckan@")
    raw = collect(_resource(url=url, password_env="FALSCHES_PASSWORT", query="SELECT 1"), "d", ROOT)
    (problem,) = raw.problems
    assert problem.code == "source-unreachable"
    assert "password" in problem.message.lower() or "passwort" in problem.message.lower()
    assert "falsch-0815-xyz" not in json.dumps(problem.to_dict())


def test_example_dataset_reads_the_same_figures_from_postgres(
        source_db: str, env: dict[str, str], project: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    import psycopg

    from flows.run import batch
    from flows.settings import Settings

    sample = project / "datapackages/gewerbemeldungen-monatlich/source/gewerbe.sqlite"
    with sqlite3.connect(sample) as lite:
        records = lite.execute("SELECT id, eingang, art, kanal, inhaber FROM gewerbemeldung")
        rows = records.fetchall()
    with psycopg.connect(source_db) as db:
        db.execute("DROP TABLE IF EXISTS gewerbemeldung")
        db.execute("CREATE TABLE gewerbemeldung (id int, eingang date, art text, kanal text, "
                   "inhaber text)")
        with db.cursor() as cursor:
            cursor.executemany("INSERT INTO gewerbemeldung VALUES (%s, %s, %s, %s, %s)", rows)
    published = {}
    for label, url in (("sqlite", None), ("postgres", source_db)):
        if url:
            monkeypatch.setenv("GEWERBE_DB_URL", url)
        summary = batch.run(Settings.from_env(), ["gewerbemeldungen-monatlich"],
                           [f"local:{tmp_path / label}"])
        (result,) = summary.results
        assert result.status == "published", result.problems
        location = result.provenance["gewerbemeldungen"]["location"]
        assert location.startswith("postgresql" if url else "sqlite")
        published[label] = (tmp_path / label / "gewerbemeldungen-monatlich" /
                            "gewerbemeldungen.csv").read_bytes()
    assert published["sqlite"] == published["postgres"]
