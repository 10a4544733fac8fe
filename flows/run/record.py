"""The publication record: every publication and decision, append-only, in
`<out>/publications.jsonl` (one JSON object per line, never rewritten).

    {"format": 1, "event": "published", "at": "…", "dataset": "…", "version": "<hash[:12]>",
     "content_hash": "…", "target": "local:…", "location": "…", "run_id": "…",
     "source": {<resource>: {kind, file, fetched_at, rows, …}}, "approval": {by, at, comment}|null}

`event` is `held`, `approved`, `rejected` or `published`. `source` is the provenance of the
report without anything that looks like a credential; `approval` is the decision on exactly this
content, if one was taken. `kennzahlen history <dataset>` reads it (`history_text`).
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from flows.model.results import RunSummary
from flows.model.secrets import redact

FILE = "publications.jsonl"
RUN_ID_FORMAT = "%Y%m%dT%H%M%SZ"
FORMAT = 1
SECRET_KEYS = re.compile(r"pass|secret|token|auth|key|credential", re.IGNORECASE)
USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
EVENTS_DE = {"held": "zur Freigabe zurückgehalten", "approved": "freigegeben",
             "rejected": "abgelehnt", "published": "veröffentlicht"}


def path(out_dir: Path) -> Path:
    return out_dir / FILE


def append(out_dir: Path, entries: list[dict[str, Any]]) -> None:
    """Add entries at the end of the record (one write per entry, never rewriting a line)."""
    if not entries:
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    with path(out_dir).open("a", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps({"format": FORMAT, **entry}, ensure_ascii=False) + "\n")
            handle.flush()
        os.fsync(handle.fileno())


def read(out_dir: Path, dataset: str | None = None) -> list[dict[str, Any]]:
    """The entries, oldest first (of one dataset if given); a damaged line is skipped."""
    try:
        lines = path(out_dir).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and (dataset is None or entry.get("dataset") == dataset):
            entries.append(entry)
    return entries


def decision_entry(dataset: str, decision: dict[str, Any]) -> dict[str, Any]:
    """The record entry of a decision taken on a held version (ApprovalStore.decide)."""
    return {"event": decision["decision"], "at": decision["at"], "dataset": dataset,
            "version": decision["content_hash"][:12], "content_hash": decision["content_hash"],
            "run_id": decision.get("run_id"),
            "approval": {k: decision.get(k) for k in ("by", "at", "comment")}}


def run_entries(summary: RunSummary, approvals: dict[str, dict[str, Any]],
                secrets: list[str]) -> list[dict[str, Any]]:
    """The entries of one run: each publication to a target and each dataset held.

    Args:
        summary: the finished run.
        approvals: dataset → the decision on its published content, where one exists.
        secrets: credentials of the run; none may appear in an entry.
    """
    entries = []
    for result in summary.results:
        base = {"at": summary.finished_at, "dataset": result.name,
                "version": result.content_hash[:12], "content_hash": result.content_hash,
                "run_id": summary.run_id, "source": clean_provenance(result.provenance, secrets)}
        if result.status == "held":
            entries.append({"event": "held", **base,
                            "reasons": len((result.approval or {}).get("reasons") or [])})
        for outcome in result.outcomes:
            if outcome.status != "published":
                continue
            decided = approvals.get(result.name)
            entries.append({"event": "published", **base, "target": outcome.target,
                            "location": outcome.location,
                            "approval": {k: decided.get(k) for k in ("by", "at", "comment")}
                            if decided else None})
    return entries


def with_held_sources(entries: list[dict[str, Any]], out_dir: Path) -> list[dict[str, Any]]:
    """A held version published later (`kennzahlen approve`) is not read from its sources again:
    its entries take the source provenance recorded when it was held."""
    if all(e.get("source") for e in entries):
        return entries
    held = {e["content_hash"]: e.get("source") for e in read(out_dir)
            if e.get("event") == "held" and e.get("content_hash")}
    return [{**e, "source": held.get(e.get("content_hash"), {})} if not e.get("source") else e
            for e in entries]


def clean_provenance(provenance: Any, secrets: list[str]) -> Any:
    """Provenance without credentials: keys that name one are dropped, user:password@ in URLs
    removed, and every known secret redacted."""
    if isinstance(provenance, dict):
        return {k: clean_provenance(v, secrets) for k, v in provenance.items()
                if not SECRET_KEYS.search(str(k))}
    if isinstance(provenance, list):
        return [clean_provenance(v, secrets) for v in provenance]
    if isinstance(provenance, str):
        return redact(USERINFO.sub("", provenance), secrets)
    return provenance


def german_time(stamp: str | None) -> str:
    """An ISO time or run id as staff read it: 03.12.2026 06:15 UTC."""
    for parse in (datetime.fromisoformat, lambda s: datetime.strptime(s, RUN_ID_FORMAT)):
        try:
            return parse(str(stamp)).strftime("%d.%m.%Y %H:%M UTC")
        except ValueError:
            continue
    return str(stamp or "–")


def history_text(out_dir: Path, dataset: str) -> str:
    """The record of one dataset in German, newest first."""
    entries = read(out_dir, dataset)
    if not entries:
        return (f"Für '{dataset}' ist noch nichts verzeichnet (keine Veröffentlichung und keine "
                f"Entscheidung in {path(out_dir)}).")
    count = "1 Eintrag" if len(entries) == 1 else f"{len(entries)} Einträge"
    lines = [f"Verlauf von {dataset} ({count}, neueste zuerst):"]
    for entry in reversed(entries):
        event = entry.get("event")
        head = f"{german_time(entry.get('at'))}  {EVENTS_DE.get(event, event)}"
        head += f", Stand {entry.get('version') or '?'}"
        if entry.get("target"):
            head += f", Ziel {entry['target']}"
        lines.append(head)
        approval = entry.get("approval")
        if approval:
            comment = f": „{approval['comment']}“" if approval.get("comment") else ""
            lines.append(f"    Entscheidung von {approval.get('by')} am "
                         f"{german_time(approval.get('at'))}{comment}")
        for resource, origin in (entry.get("source") or {}).items():
            if isinstance(origin, dict):
                fetched = german_time(origin.get("fetched_at"))
                lines.append(f"    Quelle {resource}: {origin.get('kind', '?')} "
                             f"{origin.get('file', '')}, abgerufen {fetched}, "
                             f"{origin.get('rows', '?')} Zeilen")
        if entry.get("run_id"):
            lines.append(f"    Lauf {entry['run_id']}")
    return "\n".join(lines)
