"""What the stages find and the run reports: validation outcome, comparison with the last
publication, one result per dataset and the summary of a run."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flows.model.bundle import PublishOutcome
from flows.problems import Problem


@dataclass
class Validation:
    """The outcome of validating one resource."""

    resource: str
    rows: int
    problems: list[Problem] = field(default_factory=list)
    cached: bool = False
    """True when the findings come from the validation cache (flows/validation_cache.py)."""

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass
class Comparison:
    """What the comparison found, as contract entries and as warnings."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: Comparison) -> None:
        self.entries += other.entries
        self.problems += other.problems


STATUS_DE = {
    "published": "veröffentlicht",
    "unchanged": "unverändert",
    "invalid": "nicht veröffentlicht (ungültig)",
    "failed": "fehlgeschlagen",
    "valid": "gültig",
    "held": "zur Freigabe zurückgehalten",
    "rejected": "abgelehnt, vorherige Version bleibt",
}


OK_STATUSES = {"published", "unchanged", "valid", "rejected"}
"""A rejected dataset is a decision already taken, not a failure (the previous version stays)."""


REASONS_SHOWN = 3
"""Reasons for a hold named in the verdict; the comparison table and `kennzahlen review` list
all."""


@dataclass
class DatasetResult:
    name: str
    title: str = ""
    status: str = "failed"
    """published | unchanged | valid (checked only) | held | rejected | invalid | failed."""
    problems: list[Problem] = field(default_factory=list)
    outcomes: list[PublishOutcome] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    protection: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = 0.0
    metadata_quality: dict[str, Any] | None = None
    """The MQA score of the dataset's metadata (flows/mqa.py), when it could be computed."""
    plausibility: list[dict[str, Any]] = field(default_factory=list)
    """Comparison with the last publication (flows/stages/plausibility.py), one entry per
    finding: {resource, kind, label, old, new, change_percent, threshold, exceeds}; `exceeds`
    is true only beyond the declared threshold. Empty on a first publication."""
    approval: dict[str, Any] | None = None
    """Why the dataset is held or rejected: {reasons, content_hash, folder, decision}."""
    content_hash: str = ""
    """The content hash of the bundled version ('' when nothing was bundled)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def reason(self) -> str:
        """One German sentence on why the dataset was not published, or ''."""
        if self.status in ("held", "rejected") and self.approval:
            return approval_reason(self.status, self.approval)
        if self.status in OK_STATUSES:
            return ""
        if not self.errors:
            return "Unbekannter Fehler."
        first = self.errors[0]
        more = len(self.errors) - 1
        return first.message + (f" (und {more} weitere Probleme)" if more else "")

    def to_dict(self) -> dict[str, Any]:
        counts = Counter(p.code for p in self.problems)
        listed, omitted = bounded(self.problems)
        return {
            "dataset": self.name,
            "title": self.title,
            "status": self.status,
            "valid": not self.errors,
            "reason": self.reason,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "problem_counts": dict(sorted(counts.items())),
            "problems": [p.to_dict() for p in listed],
            "problems_omitted": omitted,
            "targets": [o.__dict__ for o in self.outcomes],
            "provenance": self.provenance,
            "protection": self.protection,
            "metadata_quality": self.metadata_quality,
            "plausibility": self.plausibility,
            "approval": self.approval,
            "content_hash": self.content_hash,
        }


CASES_PER_FIELD = 20
"""Problems listed per code and field in a JSON report; the rest are counted."""
CASES_PER_CODE = 100
"""Problems listed per code in a JSON report (a file with thousands of columns)."""


def bounded(found: list[Problem]) -> tuple[list[Problem], list[dict[str, Any]]]:
    """The problems a report lists (at most CASES_PER_FIELD per code and field and
    CASES_PER_CODE per code, in their order) and, per code with more, how many it lists and
    has in all, with the totals of the first CASES_PER_FIELD fields that have more (as
    frictionless's error limit does, but saying how many)."""
    seen_field: Counter[tuple[str, str | None]] = Counter()
    seen_code: Counter[str] = Counter()
    totals: Counter[tuple[str, str | None]] = Counter()
    listed = []
    for problem in found:
        key = (problem.code, problem.field)
        totals[key] += 1
        if seen_field[key] < CASES_PER_FIELD and seen_code[problem.code] < CASES_PER_CODE:
            listed.append(problem)
            seen_field[key] += 1
            seen_code[problem.code] += 1
    omitted: dict[str, dict[str, Any]] = {}
    for (code, name), total in totals.items():
        if total > seen_field[(code, name)]:
            entry = omitted.setdefault(code, {"code": code, "listed": seen_code[code],
                                              "total": 0, "fields": {}})
            if len(entry["fields"]) < CASES_PER_FIELD:
                entry["fields"][name or ""] = total
    for code, entry in omitted.items():
        entry["total"] = sum(t for (c, _), t in totals.items() if c == code)
    return listed, list(omitted.values())


@dataclass
class RunSummary:
    run_id: str
    started_at: str
    finished_at: str = ""
    targets: list[str] = field(default_factory=list)
    results: list[DatasetResult] = field(default_factory=list)
    housekeeping: dict[str, Any] = field(default_factory=dict)
    """What the run did besides the datasets: {removed: {reports, held, caches}, notified:
    {sent, failed, problems}} (flows/run/retention.py, flows/run/notify.py)."""

    @property
    def ok(self) -> bool:
        """Nothing failed: held datasets wait for a person, they are not failures."""
        return all(r.status in OK_STATUSES | {"held"} for r in self.results)

    @property
    def held(self) -> list[str]:
        return [r.name for r in self.results if r.status == "held"]

    def counts(self) -> dict[str, int]:
        return dict(Counter(r.status for r in self.results))

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "targets": self.targets,
            "ok": self.ok,
            "held": self.held,
            "counts": self.counts(),
            "housekeeping": self.housekeeping,
            "datasets": [
                {"dataset": r.name, "status": r.status, "reason": r.reason,
                 "errors": len(r.errors), "warnings": len(r.problems) - len(r.errors)}
                for r in self.results
            ],
        }


def approval_reason(status: str, approval: dict[str, Any]) -> str:
    """One German sentence on a hold or a rejection."""
    if status == "rejected":
        decision = approval.get("decision") or {}
        comment = f": {decision['comment']}" if decision.get("comment") else ""
        return (f"Diese Daten wurden am {decision.get('at', '?')[:10]} von "
                f"{decision.get('by', '?')} abgelehnt{comment}.")
    reasons = approval.get("reasons") or ["ohne Angabe"]
    more = len(reasons) - REASONS_SHOWN
    return ("Freigabe nötig: " + "; ".join(reasons[:REASONS_SHOWN])
            + (f"; und {more} weitere (siehe Vergleich mit der letzten Veröffentlichung)."
               if more > 0 else "."))
