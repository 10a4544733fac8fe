"""The describe stage on the shipped examples: conformant RDF and an excellent MQA score."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.metadata import descriptor as metadata
from flows.metadata import reference
from flows.run import prepare
from flows.specs import catalog
from flows.stages.describe import describe
from tests.helpers import ROOT, publish_members


@pytest.mark.parametrize("name", catalog.dataset_names(ROOT))
def test_every_example_conforms_and_scores_excellent(name: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if catalog.load(ROOT, name, check=False).parts:  # a combined table shows what was published
        monkeypatch.setenv("KENNZAHLEN_OUT", str(tmp_path / "out"))
        publish_members(ROOT, name, tmp_path)
    prepared = prepare.prepare(ROOT, name, tmp_path)
    assert prepared.bundle is not None, prepared.result.problems
    described = describe(prepared.bundle, metadata.load_catalog(ROOT), reference.find(ROOT))
    assert described.problems == []
    assert described.quality["rating"] == "ausgezeichnet"
    assert described.quality["score"] >= 385
    assert prepared.result.metadata_quality == described.quality
