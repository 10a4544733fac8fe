"""The validation cache in the pipeline: an unchanged shipped dataset is not validated twice
(the cache itself is unit-tested in tests/unit/test_validation_cache.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.run import prepare


def test_pipeline_does_not_validate_an_unchanged_dataset_twice(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.helpers import ROOT

    monkeypatch.setenv("KENNZAHLEN_OUT", str(tmp_path / "out"))
    first = prepare.prepare(ROOT, "fallzahlen-verwaltungsleistungen-musterstadt", None)
    second = prepare.prepare(ROOT, "fallzahlen-verwaltungsleistungen-musterstadt", None)
    assert [v.cached for v in first.validations] == [False]
    assert [v.cached for v in second.validations] == [True]
    assert second.result.status == first.result.status == "valid"
    assert second.result.problems == first.result.problems
