"""The columnar validator reports exactly what frictionless reports (code, row, field, note)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from frictionless import Checklist, Resource, Schema

from flows.validation import columnar
from flows.validation.checks import small_count_unprotected
from tests.helpers import FIXTURES

CORPUS = sorted((FIXTURES / "parity").glob("*.csv"))
SMALL_COUNTS = {"keyfigures-invalid-small-counts": ["anzahl", "faelle"]}


def frictionless_findings(schema: dict[str, Any], counts: list[str], k: int = 3,
                          **source: Any) -> list[tuple[Any, ...]]:
    checks = [small_count_unprotected(field_names=counts, k=k)] if counts else []
    report = Resource(schema=Schema.from_descriptor(schema), **source).validate(
        Checklist(checks=checks), limit_errors=columnar.ERROR_LIMIT)
    return [tuple(e) for e in report.flatten(["type", "rowNumber", "fieldName", "note"])]


def columnar_findings(outcome: columnar.Outcome) -> list[tuple[Any, ...]]:
    return [(f.code, f.row, f.field, f.note) for f in outcome.findings]


def in_memory(schema: dict[str, Any], header: list[str], rows: list[list[str]],
              counts: list[str], k: int = 3) -> tuple[list[Any], list[Any]]:
    plan = columnar.make_plan(schema, counts, k)
    ours = columnar.validate_columns(plan, {h: [r[i] for r in rows] for i, h in enumerate(header)})
    theirs = frictionless_findings(schema, counts, k, data=[header, *rows])
    return columnar_findings(ours), theirs


def _read(path: Path) -> tuple[dict[str, Any], list[str], list[list[str]]]:
    schema = json.loads(path.with_suffix(".schema.json").read_text())
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    return schema, header, rows


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_findings_equal_frictionless_in_memory(path: Path) -> None:
    schema, header, rows = _read(path)
    ours, theirs = in_memory(schema, header, rows, SMALL_COUNTS.get(path.stem, []))
    assert theirs, "every corpus file is invalid"
    assert ours == theirs


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_findings_equal_frictionless_streaming_the_file(path: Path) -> None:
    schema, _, _ = _read(path)
    counts = SMALL_COUNTS.get(path.stem, [])
    ours = columnar.validate_csv(path, schema, counts, block_size=64, chunk_rows=2)  # tiny chunks
    theirs = frictionless_findings(schema, counts, path=path.name, basepath=str(path.parent))
    assert columnar_findings(ours) == theirs


def test_duplicates_across_chunks_name_the_previous_row(tmp_path: Path) -> None:
    schema = {"fields": [{"name": "k", "type": "integer", "constraints": {"unique": True}},
                         {"name": "s", "type": "string"}], "primaryKey": ["s"]}
    path = tmp_path / "dups.csv"
    path.write_text("k,s\n" + "".join(f"{i % 97},{'x' * (i % 5)}{i % 89}\n"
                                      for i in range(400)))
    ours = columnar.validate_csv(path, schema, block_size=256, chunk_rows=10)
    theirs = frictionless_findings(schema, [], path=path.name, basepath=str(tmp_path))
    assert len(theirs) > 300
    assert columnar_findings(ours) == theirs


def test_arrow_columns_have_the_findings_of_text_lists() -> None:
    """The chunk-wise interface takes Arrow arrays too (plain or dictionary-encoded text)."""
    import pyarrow as pa

    path = FIXTURES / "parity" / "keyfigures-invalid-keys.csv"
    schema, header, rows = _read(path)
    plan = columnar.make_plan(schema)
    expected = columnar_findings(columnar.validate_columns(
        plan, {h: [r[i] for r in rows] for i, h in enumerate(header)}))
    assert expected
    for encode in (False, True):
        chunked = columnar.ChunkedValidation(plan)
        for start in range(0, len(rows), 3):
            part = rows[start:start + 3]
            arrays = {h: pa.array([r[i] for r in part], pa.string()) for i, h in enumerate(header)}
            chunked.feed({h: a.dictionary_encode() if encode else a for h, a in arrays.items()})
        assert columnar_findings(chunked.outcome) == expected


@pytest.mark.parametrize("chunk", [1, 4])
def test_a_hash_collision_is_refused_not_reported(monkeypatch: pytest.MonkeyPatch,
                                                  chunk: int) -> None:
    """Keys whose first hashes agree but second hashes differ are not called duplicates
    (inside a chunk or across chunks): the validator hands over to frictionless."""
    from flows.validation import keys

    real = keys._entry_codes

    def colliding(p: Any, column: Any) -> Any:
        codes, index = real(p, column)
        codes[:, 0] = 7  # every key has the same first hash
        return codes, index

    monkeypatch.setattr(keys, "_entry_codes", colliding)
    plan = columnar.make_plan({"fields": [{"name": "k", "type": "string"}], "primaryKey": ["k"]})
    chunked = columnar.ChunkedValidation(plan)
    values = ["a", "b", "c", "d"]
    with pytest.raises(columnar.UnsupportedError):
        for start in range(0, len(values), chunk):
            chunked.feed({"k": values[start:start + chunk]})


def test_error_limit_cuts_at_the_same_finding() -> None:
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "integer",
                                                          "constraints": {"minimum": 5}}]}
    rows = [["x", str(i % 7)] for i in range(900)]
    ours, theirs = in_memory(schema, ["a", "b"], rows, [])
    assert len(theirs) == columnar.ERROR_LIMIT
    assert ours == theirs
    plan = columnar.make_plan(schema)
    assert columnar.validate_columns(plan, {"a": [r[0] for r in rows],
                                            "b": [r[1] for r in rows]}).limit_reached


@pytest.mark.parametrize("schema", [
    {"fields": [{"name": "t", "type": "datetime"}]},
    {"fields": [{"name": "n", "type": "number", "groupChar": "."}]},
    {"fields": [{"name": "n", "type": "integer", "bareNumber": False}]},
    {"fields": [{"name": "d", "type": "date", "format": "%d.%m.%Y"}]},
    {"fields": [{"name": "s", "type": "string", "format": "email"}]},
    {"fields": [{"name": "a", "type": "string"}],
     "foreignKeys": [{"fields": "a", "reference": {"resource": "", "fields": "a"}}]},
])
def test_uncovered_features_are_refused_before_any_finding(schema: dict[str, Any]) -> None:
    with pytest.raises(columnar.UnsupportedError):
        columnar.make_plan(schema)


@pytest.mark.parametrize("content", [b"a,b\n1,2\n3\n", b"a,b\n1,\xfc\n", b"\xfc,b\n1,2\n",
                                     b"b,a\n1,2\n"])
def test_files_the_streaming_reader_cannot_mirror_are_refused(tmp_path: Path,
                                                              content: bytes) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(content)
    schema = {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]}
    with pytest.raises(columnar.UnsupportedError):
        columnar.validate_csv(path, schema)


def test_an_empty_line_is_a_blank_row_as_in_frictionless(tmp_path: Path) -> None:
    path = tmp_path / "empty-line.csv"
    path.write_bytes(b"a,b\n1,x\n\n1,y\n")
    schema = {"fields": [{"name": "a", "type": "integer", "constraints": {"required": True}},
                         {"name": "b", "type": "string"}], "primaryKey": ["a"]}
    theirs = frictionless_findings(schema, [], path=path.name, basepath=str(tmp_path))
    assert [f[0] for f in theirs] == ["blank-row", "primary-key", "primary-key"]
    assert columnar_findings(columnar.validate_csv(path, schema)) == theirs


def test_values_without_an_exact_float_are_refused() -> None:
    plan = columnar.make_plan({"fields": [{"name": "n", "type": "number"}]})
    with pytest.raises(columnar.UnsupportedError):
        columnar.validate_columns(plan, {"n": ["1", "NaN"]})


# Property test: random schemas within the covered subset, random cells mixing good and odd
# spellings; both validators must agree on every finding.
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TOKENS = {
    "string": ["a", "ab", "Amt 1", "0731", "07310001", "x y", " a", "ä", "A"],
    "integer": ["0", "1", "2", "-1", "+3", " 4 ", "007", "1_0", "5.0", "x", "99999"],
    "number": ["0", "1.5", "-0", "2.50", ".5", "1e2", "+7", "3,5", "x", "1", "0.1"],
    "boolean": ["true", "False", "1", "0", "yes", "TRUE", "x", "ja", "nein"],
    "date": ["2024-01-31", "2024-02-29", "2023-02-29", "2024-1-5", "31.01.2024", "0000-01-01",
             "2024-12-01", "x"],
    "year": ["2024", "1999", "0000", "24", " 202", "x"],
    "yearmonth": ["2024-01", "2024-13", "2024-1", "1999-12", "x-1", "2024-06"],
}
BOUNDS = {"integer": ["0", "2", 1, " 3"], "number": ["0.5", 1, "2", 1.5, "1e0"],
          "date": ["2024-01-31", "2024-1-5"], "year": [2000, "2024"],
          "yearmonth": ["2024-01", "2024-6"]}


@st.composite
def tables(draw: Any) -> tuple[dict[str, Any], list[str], list[list[str]], list[str]]:
    kinds = draw(st.lists(st.sampled_from(sorted(TOKENS)), min_size=1, max_size=4))
    fields = []
    for number, kind in enumerate(kinds):
        constraints: dict[str, Any] = {}
        if draw(st.booleans()):
            constraints["required"] = True
        if draw(st.integers(0, 3)) == 0:
            constraints["unique"] = True
        if kind in BOUNDS and draw(st.booleans()):
            constraints[draw(st.sampled_from(["minimum", "maximum"]))] = draw(
                st.sampled_from(BOUNDS[kind]))
        if kind == "string" and draw(st.booleans()):
            constraints.update(draw(st.sampled_from([{"pattern": "[0-9]{4,8}"}, {"minLength": 2},
                                                     {"maxLength": 3}, {"pattern": "\\w+"}])))
        if draw(st.integers(0, 3)) == 0:
            constraints["enum"] = draw(st.lists(st.sampled_from(TOKENS[kind]), min_size=1))
        field = {"name": f"f{number}", "type": kind, "constraints": constraints}
        if kind == "number" and draw(st.integers(0, 3)) == 0:
            field["decimalChar"] = draw(st.sampled_from([",", "."]))
        if kind == "boolean" and draw(st.integers(0, 3)) == 0:
            field.update(trueValues=["ja", "1"], falseValues=["nein"])
        if draw(st.integers(0, 5)) == 0:
            field["missingValues"] = ["x", ""]
        fields.append(field)
    names = [f["name"] for f in fields]
    schema: dict[str, Any] = {"fields": fields,
                              "missingValues": draw(st.sampled_from([[""], ["", "."]]))}
    key = draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    if key:
        schema["primaryKey"] = key
    counts = [n for n, k in zip(names, kinds, strict=True)
              if k == "integer" and draw(st.booleans())]
    cell = {k: st.sampled_from([*TOKENS[k], "", "."]) for k in TOKENS}
    rows = draw(st.lists(st.tuples(*(cell[k] for k in kinds)).map(list), max_size=25))
    return schema, names, rows, counts


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_random_tables_have_the_same_findings_as_frictionless(
        case: tuple[dict[str, Any], list[str], list[list[str]], list[str]]) -> None:
    from hypothesis import reject

    schema, names, rows, counts = case
    try:
        frictionless_findings(schema, counts, data=[names, *rows])
    except TypeError:  # frictionless itself fails on e.g. a bound its reader cannot read
        reject()
    try:
        ours, theirs = in_memory(schema, names, rows, counts)
    except columnar.UnsupportedError:  # e.g. a bound the type cannot read: frictionless decides
        reject()
    assert ours == theirs


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.lists(st.integers(1, 6), min_size=1, max_size=30))
def test_random_tables_in_random_chunks_have_the_same_findings_as_frictionless(
        case: tuple[dict[str, Any], list[str], list[list[str]], list[str]],
        sizes: list[int]) -> None:
    """Keys repeat across chunks of any size (the sorted runs merge as chunks arrive)."""
    from hypothesis import assume, reject

    schema, names, rows, counts = case
    assume(rows)
    try:
        theirs = frictionless_findings(schema, counts, data=[names, *rows])
        plan = columnar.make_plan(schema, counts)
    except (TypeError, columnar.UnsupportedError):
        reject()
    chunked = columnar.ChunkedValidation(plan)
    start = 0
    try:
        for size in sizes * len(rows):
            part = rows[start:start + size]
            chunked.feed({h: [r[i] for r in part] for i, h in enumerate(names)})
            start += size
    except columnar.UnsupportedError:  # e.g. a value without an exact float
        reject()
    assert columnar_findings(chunked.outcome) == theirs


INVALID_SCHEMAS = [
    {"fields": [{"name": "a", "type": "integer", "constraints": {"minLength": 2}}]},
    {"fields": [{"name": "a", "type": "string", "constraints": {"required": "yes"}}]},
    {"fields": [{"name": "a", "type": "string", "constraints": {"pattern": 5}}]},
    {"fields": [{"name": "a", "type": "string", "constraints": {"maxLength": "3"}}]},
    {"fields": [{"name": "a", "type": "integer", "constraints": {"enum": "x"}}]},
    {"fields": [{"name": "a", "type": "string"}], "primaryKey": ["b"]},
    {"fields": [{"name": "a", "type": "string", "missingValues": [1]}]},
    {"fields": [{"name": "a", "type": "strin"}]},
    {"fields": [{"type": "string"}]},
    {"fields": "a"},
]


@pytest.mark.parametrize("schema", INVALID_SCHEMAS)
def test_schemas_frictionless_rejects_are_never_planned(schema: dict[str, Any]) -> None:
    from frictionless import FrictionlessException

    try:
        rejected = bool(list(Schema.metadata_validate(schema)))
    except FrictionlessException:
        rejected = True
    assert rejected, "frictionless must reject this schema"
    with pytest.raises(columnar.UnsupportedError):
        columnar.make_plan(schema)


def test_the_project_schemas_are_covered() -> None:
    import yaml

    from tests.helpers import ROOT

    for path in sorted((ROOT / "schemas").glob("*.schema.yaml")):
        schema = yaml.safe_load(path.read_text())
        assert not list(Schema.metadata_validate(schema)), path.name
        columnar.make_plan(schema)  # raises if a shipped schema would fall back
