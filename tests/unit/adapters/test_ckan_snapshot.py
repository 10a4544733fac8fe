"""The read that the comparison before publishing hands to the publish step (CkanTarget.show).

The portal is replaced at `_package_show` only; that the whole publish path then costs one read
against a real CKAN is tested in tests/integration/test_plausibility_ckan.py."""

from __future__ import annotations

from typing import Any

import pytest

from flows.adapters.ckan import snapshots
from flows.adapters.ckan.target import CkanTarget


class _Counting(CkanTarget):
    def __init__(self, token: str = "token-a", url: str = "http://portal.invalid") -> None:
        super().__init__(url, token)
        self.reads = 0

    def _package_show(self, slug: str) -> dict[str, Any] | None:
        self.reads += 1
        return {"name": slug, "state": "active", "extras": [], "read": self.reads}


@pytest.fixture(autouse=True)
def _no_snapshots() -> None:
    snapshots._SNAPSHOTS.clear()


def test_a_kept_read_is_taken_once_by_another_target_of_the_same_account() -> None:
    comparing, publishing = _Counting(), _Counting()
    assert comparing.show("a", keep=True)["read"] == 1
    assert publishing.show("a", take=True)["read"] == 1 and publishing.reads == 0
    publishing.show("a", take=True)  # taken already: read again
    assert publishing.reads == 1


def test_another_account_or_dataset_reads_for_itself() -> None:
    _Counting("token-a").show("a", keep=True)
    other_account, same_account = _Counting("token-b"), _Counting("token-a")
    other_account.show("a", take=True)
    same_account.show("b", take=True)
    assert other_account.reads == 1 and same_account.reads == 1
    assert snapshots._SNAPSHOTS and "token-a" not in repr(snapshots._SNAPSHOTS)


def test_a_write_drops_every_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    first = _Counting()
    first.show("a", keep=True)
    first.show("b", keep=True)
    monkeypatch.setattr(first._client.ckan, "call_action", lambda *args, **kwargs: {})
    first.call("package_patch", "a", id="a")
    assert snapshots._SNAPSHOTS == {}


def test_an_old_snapshot_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    _Counting().show("a", keep=True)
    monkeypatch.setattr(snapshots, "SNAPSHOT_SECONDS", 0.0)
    later = _Counting()
    later.show("a", take=True)
    assert later.reads == 1


def test_the_kept_answer_cannot_be_changed_through_the_copy_handed_out() -> None:
    first = _Counting()
    first.show("a", keep=True)["extras"].append({"key": "x", "value": "y"})
    assert _Counting().show("a", take=True)["extras"] == []
