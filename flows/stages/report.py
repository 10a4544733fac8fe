"""Report: what happened to each dataset, as JSON for machines and German text for staff.

Writes, per run, `<slug>.json` and `<slug>.html` for every dataset plus `summary.json`,
`summary.md` and `index.html` into the run's report folder. The same markdown is used for Prefect artifacts by the flow layer.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.problems import Problem, problem_type
from flows.stages.publish import PublishOutcome

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
        return {
            "dataset": self.name,
            "title": self.title,
            "status": self.status,
            "valid": not self.errors,
            "reason": self.reason,
            "rows": self.rows,
            "seconds": round(self.seconds, 3),
            "problem_counts": dict(sorted(counts.items())),
            "problems": [p.to_dict() for p in self.problems],
            "targets": [o.__dict__ for o in self.outcomes],
            "provenance": self.provenance,
            "protection": self.protection,
            "metadata_quality": self.metadata_quality,
            "plausibility": self.plausibility,
            "approval": self.approval,
        }


@dataclass
class RunSummary:
    run_id: str
    started_at: str
    finished_at: str = ""
    targets: list[str] = field(default_factory=list)
    results: list[DatasetResult] = field(default_factory=list)

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
            "datasets": [
                {"dataset": r.name, "status": r.status, "reason": r.reason,
                 "errors": len(r.errors), "warnings": len(r.problems) - len(r.errors)}
                for r in self.results
            ],
        }


def write_reports(summary: RunSummary, directory: Path) -> Path:
    """Write every dataset report and the run summary; returns the folder."""
    directory.mkdir(parents=True, exist_ok=True)
    for result in summary.results:
        _write_json(directory / f"{result.name}.json", result.to_dict())
    _write_json(directory / "summary.json", summary.to_dict())
    (directory / "summary.md").write_text(markdown_summary(summary), encoding="utf-8")
    from flows.stages.report_html import dataset_page, run_page

    for result in summary.results:
        (directory / f"{result.name}.html").write_text(dataset_page(result), encoding="utf-8")
    (directory / "index.html").write_text(run_page(summary), encoding="utf-8")
    return directory


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def markdown_summary(summary: RunSummary) -> str:
    lines = [
        f"# Lauf {summary.run_id}",
        "",
        f"Ziele: {', '.join(summary.targets) or 'keine (nur Prüfung)'}",
        "",
        "| Datensatz | Ergebnis | Fehler | Warnungen | Grund |",
        "|---|---|---|---|---|",
    ]
    for r in summary.results:
        reason = r.reason.replace("|", "/")
        lines.append(f"| {r.name} | {STATUS_DE.get(r.status, r.status)} | {len(r.errors)} | "
                     f"{len(r.problems) - len(r.errors)} | {reason} |")
    return "\n".join(lines) + "\n"


REASONS_SHOWN = 3
"""Reasons for a hold named in the verdict; the comparison table and `kennzahlen review` list
all."""


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


def format_value(value: Any) -> str:
    """A figure the German way (1.234,5); text as it is; None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_change(percent: float | None) -> str:
    """A change in percent with its sign (+150 %, -42,9 %); None as a dash."""
    if percent is None:
        return "–"
    return f"{'+' if percent > 0 else ''}{format_value(round(percent, 1))} %"


def flagged_first(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Plausibility entries, those beyond their threshold first (otherwise in order)."""
    return sorted(entries, key=lambda e: not e.get("exceeds"))


def plausibility_rows(result: DatasetResult, limit: int | None = None) -> list[list[str]]:
    """The comparison with the last publication as table rows (German, formatted), changes
    beyond their threshold first."""
    rows = []
    for entry in flagged_first(result.plausibility)[:limit]:
        threshold = entry.get("threshold")
        rows.append([entry.get("resource", ""), entry.get("label", ""),
                     format_value(entry.get("old")), format_value(entry.get("new")),
                     format_change(entry.get("change_percent")),
                     "–" if threshold is None else f"{format_value(threshold)} %",
                     "ja, Freigabe nötig" if entry.get("exceeds") else "nein"])
    return rows


PLAUSIBILITY_HEADERS = ["Ressource", "Kennzahl", "Zuletzt veröffentlicht", "Neu", "Änderung",
                        "Schwelle", "Auffällig"]


def markdown_dataset(result: DatasetResult, limit: int = 20) -> str:
    """German markdown for one dataset: verdict, then problems grouped by kind."""
    lines = [f"# {result.title or result.name}", "",
             f"**Ergebnis:** {STATUS_DE.get(result.status, result.status)}", ""]
    if result.reason:
        lines += [f"**Grund:** {result.reason}", ""]
    if result.status == "held":
        lines += [f"Freigeben: `kennzahlen approve {result.name}`, ablehnen: `kennzahlen reject "
                  f"{result.name} --comment …` (oder im Prefect-Lauf „Resume“ mit Entscheidung).",
                  ""]
    if result.plausibility:
        lines += ["## Vergleich mit der letzten Veröffentlichung", "",
                  "| " + " | ".join(PLAUSIBILITY_HEADERS) + " |",
                  "|" + "---|" * len(PLAUSIBILITY_HEADERS)]
        lines += ["| " + " | ".join(str(c).replace("|", "/") for c in row) + " |"
                  for row in plausibility_rows(result, limit)]
        if len(result.plausibility) > limit:
            lines.append(f"\n… und {len(result.plausibility) - limit} weitere im JSON-Bericht.")
        lines.append("")
    if result.metadata_quality:
        quality = result.metadata_quality
        lines += [f"**Metadatenqualität (MQA):** {quality['score']} von {quality['max']} Punkten "
                  f"({quality['rating']})", ""]
        lines += [f"- fehlt: {m['criterion']} ({m['points']} Punkte)" for m in quality["missing"]]
        lines += [""] if quality["missing"] else []
    for code, count in sorted(Counter(p.code for p in result.problems).items()):
        lines += [f"## {problem_type(code).title if _known(code) else code} ({count})", ""]
        for p in [p for p in result.problems if p.code == code][:limit]:
            lines.append(f"- {p.location()}: {p.message}")
        lines += ["", f"*Was tun?* {_hint(code)}", ""]
    return "\n".join(lines)


def _known(code: str) -> bool:
    try:
        problem_type(code)
    except KeyError:
        return False
    return True


def _hint(code: str) -> str:
    return problem_type(code).hint if _known(code) else ""


def text_problem(problem: Problem) -> str:
    """One problem as a console line: where, what, and what to do."""
    where = problem.location()
    label = {"warning": "Warnung", "info": "Hinweis"}.get(problem.severity, "Fehler")
    hint = f"\n      → {problem.hint}" if problem.hint else ""
    return f"  {label} [{problem.code}] {where}:\n      {problem.message}{hint}"
