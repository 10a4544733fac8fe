"""The parsed vocabularies are kept in the user's cache and read back instead of parsed again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flows.metadata import shacl
from tests.helpers import shared_reference


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shacl._vocabularies.cache_clear()
    yield tmp_path / "cache"
    shacl._vocabularies.cache_clear()


def _reference_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "reference"
    vocab = copy / "dcat-ap-de" / "vocab"
    shutil.copytree(shared_reference() / "dcat-ap-de" / "vocab", vocab)
    vocab.chmod(0o755)  # ../shared is read-only; the test removes a file from its copy
    return copy


def test_a_second_process_reads_the_parsed_graph_back(cache_home: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    reference = _reference_copy(tmp_path)
    parsed = shacl._vocabularies(reference)
    assert len(list((cache_home / "kennzahlen" / "parsed").glob("vocabularies-*.pickle"))) == 1
    shacl._vocabularies.cache_clear()  # as in a new process

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")
    monkeypatch.setattr(shacl.Graph, "parse", no_parsing)
    again = shacl._vocabularies(reference)
    assert again is not parsed
    assert set(again) == set(parsed) and len(again) > 1000


def test_a_changed_vocabulary_or_a_broken_cache_file_is_parsed_anew(cache_home: Path,
                                                                    tmp_path: Path) -> None:
    reference = _reference_copy(tmp_path)
    before = len(shacl._vocabularies(reference))
    (kept,) = (cache_home / "kennzahlen" / "parsed").glob("vocabularies-*.pickle")
    kept.write_bytes(b"not a pickle")
    shacl._vocabularies.cache_clear()
    assert len(shacl._vocabularies(reference)) == before
    assert kept.read_bytes() != b"not a pickle"  # replaced by a good one

    (reference / "dcat-ap-de" / "vocab" / "vcard.ttl").unlink()
    shacl._vocabularies.cache_clear()
    fewer = shacl._vocabularies(reference)
    assert 0 < len(fewer) < before
    assert len(list((cache_home / "kennzahlen" / "parsed").glob("vocabularies-*.pickle"))) == 2


def test_without_a_writable_cache_it_still_parses(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    shacl._vocabularies.cache_clear()
    try:
        assert len(shacl._vocabularies(_reference_copy(tmp_path))) > 1000
    finally:
        shacl._vocabularies.cache_clear()


def test_a_graph_that_cannot_be_pickled_leaves_no_temporary_file(
        cache_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> bytes:
        raise shacl.pickle.PicklingError("not today")
    monkeypatch.setattr(shacl.pickle, "dumps", refuse)
    assert len(shacl._vocabularies(_reference_copy(tmp_path))) > 1000
    assert list((cache_home / "kennzahlen" / "parsed").iterdir()) == []
