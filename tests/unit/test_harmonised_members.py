"""Which members go into a combined table: only a version the member itself published or found
unchanged in its latest run; held, failed, rejected, never published or changed since is left
out with a note. The members' preparation is replaced here by a stand-in that counts calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.model.results import DatasetResult
from flows.run import harmonised
from flows.run.harmonised import MemberTables
from flows.specs import catalog
from tests.helpers import COUNTS, ROOT

MEMBERS = ("musterstadt", "beispielburg", "weiterdorf")


class Checked:
    """Prepares members as valid with the content hash `h-<member>` (or invalid)."""

    def __init__(self, invalid: set[str] = frozenset()) -> None:
        self.invalid, self.calls = invalid, []

    def __call__(self, name: str) -> MemberTables:
        self.calls.append(name)
        if name in self.invalid:
            return MemberTables(DatasetResult(name, status="invalid"))
        return MemberTables(DatasetResult(name, status="valid"), [], f"h-{name}")


def _outcome(project: Path, member: str, status: str, digest: str | None = None) -> None:
    name = f"{COUNTS}-{member}"
    harmonised.remember(project, DatasetResult(name, status=status,
                                               content_hash=digest or f"h-{name}"))


@pytest.fixture
def out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KENNZAHLEN_OUT", str(tmp_path / "out"))
    return tmp_path / "out"


def test_published_and_unchanged_members_go_in_the_others_are_left_out(out: Path) -> None:
    _outcome(ROOT, "musterstadt", "published")
    _outcome(ROOT, "beispielburg", "held")
    _outcome(ROOT, "weiterdorf", "unchanged")
    check = Checked()
    joined = harmonised.join(catalog.load(ROOT, COUNTS), ROOT, check, publishing=True)
    provenance = joined.provenance["fallzahlen"]
    assert provenance["members"] == ["musterstadt", "weiterdorf"]
    assert list(provenance["left_out"]) == ["beispielburg"]
    assert check.calls == [f"{COUNTS}-musterstadt", f"{COUNTS}-weiterdorf"]  # held: not read
    (note,) = joined.problems
    assert note.code == "member-left-out" and note.severity == "warning"
    assert "zur Freigabe zurückgehalten" in note.message
    assert "Nicht enthalten: Stadt Beispielburg (Beispiel) – der Datensatz des Mitglieds ist " \
           "zur Freigabe zurückgehalten." in joined.spec.descriptor["description"]


@pytest.mark.parametrize(("status", "digest", "invalid", "why"), [
    ("failed", None, False, "fehlgeschlagen"),
    ("rejected", None, False, "abgelehnt"),
    ("published", "h-older", False, "seit der letzten Veröffentlichung geändert"),
    ("published", None, True, "ungültig"),
    (None, None, False, "noch nicht veröffentlicht"),
])
def test_a_member_is_left_out_with_the_reason(out: Path, status: str | None, digest: str | None,
                                             invalid: bool, why: str) -> None:
    for member in MEMBERS[1:]:
        _outcome(ROOT, member, "published")
    if status:
        _outcome(ROOT, "musterstadt", status, digest)
    check = Checked({f"{COUNTS}-musterstadt"} if invalid else set())
    joined = harmonised.join(catalog.load(ROOT, COUNTS), ROOT, check, publishing=True)
    assert joined.provenance["fallzahlen"]["members"] == ["beispielburg", "weiterdorf"]
    (note,) = joined.problems
    assert why in note.message and "Stadt Musterstadt (Beispiel)" in note.message


def test_a_check_without_targets_joins_every_member_valid_now(out: Path) -> None:
    _outcome(ROOT, "beispielburg", "held")  # a publication's outcome says nothing of a check
    joined = harmonised.join(catalog.load(ROOT, COUNTS), ROOT, Checked({f"{COUNTS}-weiterdorf"}),
                             publishing=False)
    assert joined.provenance["fallzahlen"]["members"] == ["musterstadt", "beispielburg"]


def test_no_member_left_is_an_error(out: Path) -> None:
    joined = harmonised.join(catalog.load(ROOT, COUNTS), ROOT, Checked(), publishing=True)
    assert [p.code for p in joined.problems] == ["member-left-out"] * 3 + ["members-none"]
    assert joined.problems[-1].severity == "error"
