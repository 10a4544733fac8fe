"""Report text: figures the German way, markdown of a dataset and a run, one line per problem.

Used by the report files (flows/stages/report.py), the HTML pages (report_html) and the Prefect
artifacts of the flow layer.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flows.model.results import STATUS_DE, DatasetResult, RunSummary
from flows.problems import Problem, problem_type


def markdown_summary(summary: RunSummary) -> str:
    """German markdown for a run: its targets and one table row per dataset."""
    lines = [
        f"# Lauf {summary.run_id}",
        "",
        f"Ziele: {', '.join(summary.targets) or 'keine (nur Prüfung)'}",
        "",
        *housekeeping_lines(summary.housekeeping),
        "| Datensatz | Ergebnis | Fehler | Warnungen | Grund |",
        "|---|---|---|---|---|",
    ]
    for r in summary.results:
        reason = r.reason.replace("|", "/")
        lines.append(f"| {r.name} | {STATUS_DE.get(r.status, r.status)} | {len(r.errors)} | "
                     f"{len(r.problems) - len(r.errors)} | {reason} |")
    return "\n".join(lines) + "\n"


def housekeeping_lines(done: dict[str, Any]) -> list[str]:
    """What the run removed (retention) and whom it told (notifications), German, for the
    summary; nothing when neither happened."""
    lines = []
    if removed := done.get("removed"):
        lines.append(f"Aufgeräumt (älter als die Aufbewahrungsfrist): {removed['reports']} "
                     f"Berichte, {removed['held']} zurückgehaltene Versionen, "
                     f"{removed['caches']} Cache-Dateien.")
    notified = done.get("notified") or {}
    if notified.get("sent") or notified.get("failed"):
        lines.append(f"Benachrichtigungen: {notified['sent']} verschickt, {notified['failed']} "
                     "nicht zugestellt.")
        lines += [f"- {problem}" for problem in notified.get("problems", [])]
    return [*lines, ""] if lines else []


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
    for name, figures in sorted(result.protection.items()):
        if figures.get("audit_hidden_cells") and "audit_narrowest_width" in figures:
            lines += [f"**Geheimhaltung ({name}):** {figures['audit_hidden_cells']} Werte "
                      "gesperrt; jeder lässt sich aus allem Veröffentlichten auf nicht weniger als "
                      f"{figures['audit_narrowest_width'] + 1} mögliche Werte eingrenzen.", ""]
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
