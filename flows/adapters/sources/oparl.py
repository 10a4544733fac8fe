"""OParl 1.1 source: the council information system's API, as flat records for aggregation.

Follows system → bodies → the body's object lists, pages through `links.next`, waits
`min_interval` seconds between requests and honours `429 Retry-After`; 5xx and timeouts are
retried, 4xx and broken JSON are not. With `incremental: true` the objects of the last run are
kept in a cache and only `modified_since` that run is fetched (deleted objects are dropped).

Records per `object`:
- meeting: id, name, start, cancelled, gremium (the first organisation's name), tagesordnungspunkte
- paper: id, name, reference, date, paperType, mit_datei (1 if it has a main or auxiliary file)
- organization: id, name, organizationType, classification
- agendaItem: id, name, meeting, start (the meeting's), gremium
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows import problems
from flows.adapters.sources.http import SourceFailedError, get_json
from flows.problems import Problem
from flows.specs.datasets import SourceSpec

MAX_PAGES = 10_000
HEADERS = {
    "meeting": ["id", "name", "start", "cancelled", "gremium", "tagesordnungspunkte"],
    "agendaItem": ["id", "name", "meeting", "start", "gremium"],
    "paper": ["id", "name", "reference", "date", "paperType", "mit_datei"],
    "organization": ["id", "name", "organizationType", "classification"],
}
LISTS = {"meeting": "meeting", "paper": "paper", "organization": "organization",
         "agendaItem": "meeting"}


class Client:
    """A small, polite OParl client (one session, rate-limited, retrying only what may pass)."""

    def __init__(self, *, timeout: float = 30, min_interval: float = 0.0, retries: int = 3) -> None:
        import requests

        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self.timeout, self.min_interval, self.retries = timeout, min_interval, retries
        self.requests = 0
        self._last = 0.0

    def get(self, url: str, params: dict[str, str] | None = None) -> Any:
        wait = self.min_interval - (time.monotonic() - self._last)
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        self.requests += 1
        return get_json(self.session, url, params=params, timeout=self.timeout,
                        retries=self.retries, what="Das Ratsinformationssystem")

    def objects(self, url: str, params: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """Every object of a paginated list (`data` + `links.next`)."""
        found: list[dict[str, Any]] = []
        seen: set[str] = set()
        page = 1
        while url and page <= MAX_PAGES:
            try:
                document = self.get(url, params)
            except SourceFailedError as failure:
                if page > 1:
                    raise SourceFailedError(
                        "source-unreadable", f"Seite {page} der Liste ist nicht abrufbar "
                        f"(fehlerhafter next-Link): {failure.message}") from None
                raise
            if not isinstance(document, dict) or not isinstance(document.get("data"), list):
                raise SourceFailedError(
                    "source-unreadable", f"{url} ist keine OParl-Objektliste.")
            found += document["data"]
            seen.add(url)
            url = (document.get("links") or {}).get("next") or ""
            params = None  # the next link carries every parameter
            if url in seen:
                raise SourceFailedError(
                    "source-unreadable", "Die OParl-Liste verweist im Kreis (next).")
            page += 1
        return found


def read(source: SourceSpec, context: dict[str, Any], cache_dir: Path | None = None,
         ) -> tuple[list[str], list[list[Any]], dict[str, Any], list[Problem]]:
    options = source.options
    kind = options.get("object", "meeting")
    url = options.get("url") or os.environ.get(options.get("url_env", ""), "")
    provenance: dict[str, Any] = {"kind": "oparl", "location": url or str(source.path),
                                  "object": kind}
    try:
        if url:
            lists = _fetch(url, kind, options, cache_dir, provenance)
        elif source.path is not None:
            lists = json.loads(source.path.read_text(encoding="utf-8"))
            provenance["location"] = f"Stichprobe {source.path.name}"
        else:
            raise SourceFailedError(
                "config-error", f"Die Umgebungsvariable {options.get('url_env')} "
                                "(OParl-System-URL) ist nicht gesetzt.")
    except SourceFailedError as failure:
        return [], [], provenance, [problems.make(failure.code, failure.message, **context)]
    header = HEADERS[kind]
    return header, [[r[h] for h in header] for r in _records(kind, lists)], provenance, []


def _fetch(url: str, kind: str, options: dict[str, Any], cache_dir: Path | None,
           provenance: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    client = Client(timeout=float(options.get("timeout", 30)),
                    min_interval=float(options.get("min_interval", 0.0)),
                    retries=int(options.get("retries", 3)))
    system = client.get(url)
    if not isinstance(system, dict) or "body" not in system:
        raise SourceFailedError(
            "source-unreadable", f"{url} ist kein OParl-System (Feld 'body' fehlt).")
    bodies = client.objects(system["body"])
    if options.get("body"):
        bodies = [b for b in bodies if b.get("id") == options["body"]]
    needed = {LISTS[kind], "organization"} if kind in ("meeting", "agendaItem") else {LISTS[kind]}
    lists: dict[str, list[dict[str, Any]]] = {name: [] for name in ("meeting", "paper",
                                                                   "organization")}
    for body in bodies:
        for name in sorted(needed):
            list_url = body.get(name)
            if list_url:
                lists[name] += _incremental(client, list_url, options, cache_dir, provenance)
    provenance["requests"] = client.requests
    return lists


def _incremental(client: Client, url: str, options: dict[str, Any], cache_dir: Path | None,
                 provenance: dict[str, Any]) -> list[dict[str, Any]]:
    since = options.get("modified_since")
    params = {"modified_since": since} if since else None
    if not options.get("incremental") or cache_dir is None:
        return client.objects(url, params)
    path = cache_dir / "oparl" / (hashlib.sha256(url.encode()).hexdigest()[:24] + ".json")
    cached: dict[str, Any] = {}
    if path.is_file():
        cached = json.loads(path.read_text(encoding="utf-8"))
    started = datetime.now(UTC).isoformat(timespec="seconds")
    if cached.get("fetched_at"):
        params = {"modified_since": cached["fetched_at"]}
    objects = {o["id"]: o for o in cached.get("objects", [])}
    changed = client.objects(url, params)
    for item in changed:
        if item.get("deleted"):
            objects.pop(item.get("id"), None)
        else:
            objects[item["id"]] = item
    provenance.setdefault("changed", 0)
    provenance["changed"] += len(changed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fetched_at": started, "objects": list(objects.values())},
                               ensure_ascii=False), encoding="utf-8")
    return list(objects.values())


def _records(kind: str, lists: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    names = {o.get("id"): o.get("name", "") for o in lists.get("organization", [])}
    live = {name: [o for o in objects if not o.get("deleted")] for name, objects in lists.items()}

    def gremium(meeting: dict[str, Any]) -> str:
        orgs = meeting.get("organization") or []
        return names.get(orgs[0], "") if orgs else ""

    if kind == "meeting":
        return [{"id": m["id"], "name": m.get("name", ""), "start": m.get("start", ""),
                 "cancelled": bool(m.get("cancelled")), "gremium": gremium(m),
                 "tagesordnungspunkte": len(m.get("agendaItem") or [])}
                for m in live.get("meeting", [])]
    if kind == "agendaItem":
        return [{"id": a["id"], "name": a.get("name", ""), "meeting": m["id"],
                 "start": m.get("start", ""), "gremium": gremium(m)}
                for m in live.get("meeting", []) for a in m.get("agendaItem") or []]
    if kind == "paper":
        return [{"id": p["id"], "name": p.get("name", ""), "reference": p.get("reference", ""),
                 "date": p.get("date", ""), "paperType": p.get("paperType", ""),
                 "mit_datei": int(bool(p.get("mainFile") or p.get("auxiliaryFile")))}
                for p in live.get("paper", [])]
    return [{"id": o["id"], "name": o.get("name", ""),
             "organizationType": o.get("organizationType", ""),
             "classification": o.get("classification", "")} for o in live.get("organization", [])]
