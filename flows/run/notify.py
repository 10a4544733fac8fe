"""Notifications after a run: the people responsible for a dataset hear when it needs them.

`events` finds what needs someone (held for approval, invalid, failed, published after
approval; nothing for unchanged or plainly published datasets); `notify` sends one German
message per run and recipient, by e-mail (SMTP) and to webhooks, with the recipients declared
in dataset.yaml (`notify:`) and catalog.yaml (`operations.notify`, per organisation). The flow
layer emits the same events as Prefect events.

A message never contains a cell value or a secret: reasons name the resource, the kind of
change and its size in percent, problems are named by their type, field and row, and the text
passes `redact` with every credential of the run. Delivery failures never fail the run; they
are counted in the run summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows import problems
from flows.adapters.notify import smtp, webhook
from flows.errors import ConfigError, PipelineError
from flows.model.results import DatasetResult, RunSummary
from flows.model.secrets import redact
from flows.run.approval import ApprovalStore
from flows.run.record import german_time
from flows.settings import Settings
from flows.specs import catalog
from flows.specs.loading import read_yaml
from flows.specs.operations import Operations, Recipients, load_operations
from flows.stages.report_text import format_change, format_value

KINDS_DE = {
    "held": "wartet auf Freigabe",
    "invalid": "ungültig, nicht veröffentlicht",
    "failed": "fehlgeschlagen",
    "approved-published": "nach Freigabe veröffentlicht",
}
CHANGES_DE = {
    "row-count": "Zeilenzahl", "group-sum": "Summe einer Gruppe",
    "category-added": "neue Kategorie", "category-removed": "weggefallene Kategorie",
    "period-missing": "fehlender Zeitraum", "period-rewritten": "geänderter früherer Zeitraum",
}
FIRST_PUBLICATION = "Erstveröffentlichung"
SHOWN = 5


@dataclass(frozen=True)
class Event:
    """One dataset of a run that needs someone."""

    kind: str
    """held | invalid | failed | approved-published."""
    dataset: str
    title: str
    run_id: str
    report: str
    """Where the dataset's report of this run is (URL or path)."""
    details: tuple[str, ...] = ()
    """German lines without cell values: reasons, problems, the decision."""
    content_hash: str = ""
    targets: tuple[str, ...] = field(default=())

    def payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "dataset": self.dataset, "title": self.title,
                "run_id": self.run_id, "report": self.report, "details": list(self.details),
                "content_hash": self.content_hash, "targets": list(self.targets)}


def events(summary: RunSummary, settings: Settings) -> list[Event]:
    """What of this run needs someone, in the order of the run."""
    store = ApprovalStore(settings.held_dir)
    found = []
    for result in summary.results:
        kind, details = _kind(result, store)
        if kind:
            found.append(Event(kind, result.name, result.title or result.name, summary.run_id,
                               report_link(settings, summary.run_id, result.name),
                               tuple(details), result.content_hash,
                               tuple(o.target for o in result.outcomes)))
    return found


def notify(summary: RunSummary, settings: Settings, found: list[Event]) -> dict[str, Any]:
    """Send one message per recipient about the events that concern them.

    Returns:
        {sent, failed, problems}: counts and German lines on what could not be delivered.
    """
    outcome: dict[str, Any] = {"sent": 0, "failed": 0, "problems": []}
    if not found:
        return outcome
    try:
        operations = load_operations(settings.project)
        server = settings.smtp()
    except ConfigError as exc:
        return {**outcome, "failed": 1, "problems": [exc.message]}
    for recipient, mine in _by_recipient(found, operations, settings.project).items():
        kind, address = recipient
        subject, text = subject_line(summary, mine), message_text(summary, mine)
        subject, text = (redact(subject, settings.credentials()),
                         redact(text, settings.credentials()))
        try:
            if kind == "email":
                if server is None:
                    raise ConfigError(f"E-Mail an {address} nicht verschickt: "
                                      "KENNZAHLEN_SMTP_HOST ist nicht gesetzt.")
                smtp.send(server, address, subject, text)
            else:
                webhook.post(address, {"text": f"{subject}\n\n{text}", "run_id": summary.run_id,
                                       "events": [e.payload() for e in mine]})
            outcome["sent"] += 1
        except PipelineError as exc:
            outcome["failed"] += 1
            outcome["problems"].append(redact(exc.message, settings.credentials()))
    return outcome


def report_link(settings: Settings, run_id: str, dataset: str) -> str:
    if settings.reports_url:
        return f"{settings.reports_url}/{run_id}/{dataset}.html"
    return str(settings.reports_dir / run_id / f"{dataset}.html")


def subject_line(summary: RunSummary, mine: list[Event]) -> str:
    counts = Counter(e.kind for e in mine)
    parts = [f"{n} {'Datensatz' if n == 1 else 'Datensätze'} {KINDS_DE[k]}"
             for k, n in counts.items()]
    return f"kennzahlen: {', '.join(parts)} (Lauf {summary.run_id})"


def message_text(summary: RunSummary, mine: list[Event]) -> str:
    """The German message to one recipient about the events that concern them."""
    count = ("einen Datensatz, für den" if len(mine) == 1
             else f"{len(mine)} Datensätze, für die")
    lines = ["Guten Tag,", "",
             f"der Lauf {summary.run_id} (beendet {german_time(summary.finished_at)}) meldet "
             f"{count} Sie eingetragen sind:", ""]
    for number, event in enumerate(mine, start=1):
        lines.append(f"{number}. {event.title} ({event.dataset}): {KINDS_DE[event.kind]}")
        lines += [f"   {line}" for line in event.details]
        lines.append(f"   Bericht: {event.report}")
        lines += [f"   {line}" for line in _what_to_do(event)]
        lines.append("")
    lines += ["Diese Nachricht verschickt kennzahlen automatisch an die Personen, die in "
              "dataset.yaml (notify) oder catalog.yaml (operations.notify) eingetragen sind.",
              "Sie enthält keine Werte aus den Daten; die Einzelheiten stehen im Bericht."]
    return "\n".join(lines) + "\n"


def _what_to_do(event: Event) -> list[str]:
    if event.kind == "held":
        return ["Prüfen, dann freigeben oder ablehnen:",
                f"  kennzahlen approve {event.dataset} --comment \"geprüft\"",
                f"  kennzahlen reject {event.dataset} --comment \"Grund\"",
                "Ohne Entscheidung bleibt die bisherige Version veröffentlicht."]
    if event.kind == "invalid":
        return ["Die Daten an der Quelle berichtigen; der nächste Lauf prüft sie erneut. "
                "Die bisherige Version bleibt veröffentlicht."]
    if event.kind == "failed":
        return ["Der nächste Lauf versucht es erneut; bleibt der Fehler, die Verbindung und "
                "die Zugangsdaten prüfen."]
    return []


def _kind(result: DatasetResult, store: ApprovalStore) -> tuple[str | None, list[str]]:
    if result.status == "held":
        return "held", held_reasons(result)
    if result.status == "invalid":
        return "invalid", problem_lines(result)
    if result.status == "failed":
        return "failed", [f"Fehler: {p.message}" for p in result.errors[:3]]
    if result.status == "published" and result.content_hash:
        decided = store.decision_for(result.name, result.content_hash)
        if decided and decided["decision"] == "approved":
            comment = f": {decided['comment']}" if decided.get("comment") else ""
            targets = ", ".join(o.target for o in result.outcomes)
            return "approved-published", [
                f"Freigegeben von {decided['by']} am {german_time(decided['at'])}{comment}",
                f"Veröffentlicht in: {targets}"]
    return None, []


def held_reasons(result: DatasetResult) -> list[str]:
    """Why a dataset is held, without any value of the data: the resource, the kind of change,
    how often and the largest change in percent against the declared threshold."""
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in result.plausibility:
        if entry.get("exceeds"):
            grouped.setdefault((entry.get("resource", ""), entry.get("kind", "")), []).append(entry)
    lines = []
    for (resource, kind), entries in grouped.items():
        changes = [e["change_percent"] for e in entries if e.get("change_percent") is not None]
        text = f"Grund: {resource}: {CHANGES_DE.get(kind, kind)} über der Schwelle"
        if len(entries) > 1:
            text += f" ({len(entries)} Mal)"
        if changes:
            largest = max(changes, key=abs)
            threshold = entries[0].get("threshold")
            text += f", größte Änderung {format_change(largest)}"
            if threshold is not None:
                text += f" (erlaubt ± {format_value(threshold)} %)"
        lines.append(text)
    reasons = (result.approval or {}).get("reasons") or []
    lines += [f"Grund: {r}" for r in reasons if r.startswith(FIRST_PUBLICATION)]
    return lines or ["Grund: siehe Bericht"]


def problem_lines(result: DatasetResult) -> list[str]:
    """The errors of an invalid dataset by type, with resource, fields and rows (no cells)."""
    by_code: dict[str, list[problems.Problem]] = {}
    for problem in result.errors:
        by_code.setdefault(problem.code, []).append(problem)
    lines = []
    for code, found in by_code.items():
        where = []
        resources = sorted({p.resource for p in found if p.resource})
        fields = sorted({p.field for p in found if p.field})
        rows = sorted({p.row for p in found if p.row is not None})
        if resources:
            where.append(f"Ressource {', '.join(resources)}")
        if fields:
            where.append(f"Feld {_first(fields)}")
        if rows:
            where.append(f"Zeile {_first(rows)}")
        lines.append(f"Problem: {len(found)} × {_title(code)} ({code})"
                     + (f" – {'; '.join(where)}" if where else ""))
    return lines


def _first(items: list) -> str:
    return ", ".join(map(str, items[:SHOWN])) + (" …" if len(items) > SHOWN else "")


def _title(code: str) -> str:
    try:
        return problems.problem_type(code).title
    except KeyError:
        return code


def _by_recipient(found: list[Event], operations: Operations,
                  project: Path) -> dict[tuple[str, str], list[Event]]:
    grouped: dict[tuple[str, str], list[Event]] = {}
    for event in found:
        recipients = _recipients(event.dataset, operations, project)
        for address in recipients.email:
            grouped.setdefault(("email", address), []).append(event)
        for url in recipients.webhooks:
            grouped.setdefault(("webhook", url), []).append(event)
    return grouped


def _recipients(dataset: str, operations: Operations, project: Path) -> Recipients:
    """A dataset's recipients; a dataset whose declaration no longer loads (the reason it failed)
    still reaches its own recipients and its organisation's, read from dataset.yaml as it is."""
    try:
        spec = catalog.load(project, dataset, check=False)
        return operations.recipients(spec.owner_org, spec.notify)
    except ConfigError:
        pass
    try:
        internal = read_yaml(project / "datapackages" / dataset / "dataset.yaml", dataset)
    except ConfigError:
        return operations.recipients(None, None)
    notify = internal.get("notify") if isinstance(internal.get("notify"), dict) else None
    ckan = internal.get("ckan") if isinstance(internal.get("ckan"), dict) else {}
    return operations.recipients(str(ckan.get("owner_org") or ""), notify)
