"""A local OParl 1.1 server for the tests, on loopback, serving generated council data.

`generate(base)` builds deterministic objects (one body, committees, meetings with agenda items,
papers with and without files) that validate against the OParl 1.1 JSON schemas. `serve()` starts
a server with paginated lists (`data`, `pagination`, `links.next`), the `modified_since` filter,
and switchable faults: invalid JSON, a broken next link, 429 with Retry-After.
Also used by scripts/make_example_data.py to write the demo's bundled sample.
"""

from __future__ import annotations

import json
import random
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

T = "https://schema.oparl.org/1.1/"
PAGE_SIZE = 20
BERLIN = timezone(timedelta(hours=1))
COMMITTEES = ["Stadtrat", "Haupt- und Finanzausschuss", "Bauausschuss", "Digitalausschuss"]
PAPER_TYPES = ["Beschlussvorlage", "Mitteilungsvorlage", "Antrag", "Anfrage"]


def _stamp(day: datetime) -> str:
    return day.isoformat(timespec="seconds")


def generate(base: str) -> dict[str, Any]:
    """All objects of the fake council system, keyed by list name."""
    rng = random.Random(1848)
    body = f"{base}/body/1"
    created = datetime(2024, 1, 1, 8, tzinfo=BERLIN)
    organizations = [{
        "id": f"{body}/organization/{i}", "type": T + "Organization", "body": body,
        "name": name, "organizationType": "Gremium", "classification": "Ausschuss" if i else "Rat",
        "created": _stamp(created), "modified": _stamp(created),
    } for i, name in enumerate(COMMITTEES)]
    meetings, papers = [], []
    for number in range(1, 73):
        start = datetime(2025, 1, 1, 17, tzinfo=BERLIN) + timedelta(days=rng.randrange(365))
        org = organizations[rng.randrange(len(organizations))]
        meeting_id = f"{body}/meeting/{number}"
        meetings.append({
            "id": meeting_id, "type": T + "Meeting", "name": f"{number}. Sitzung {org['name']}",
            "start": _stamp(start), "end": _stamp(start + timedelta(hours=2)),
            "cancelled": rng.random() < 0.05, "organization": [org["id"]],
            "agendaItem": [{
                "id": f"{meeting_id}/agendaitem/{i}", "type": T + "AgendaItem",
                "meeting": meeting_id, "number": str(i), "order": i, "name": f"TOP {i}",
                "public": True, "created": _stamp(start), "modified": _stamp(start),
            } for i in range(1, rng.randint(3, 9))],
            "created": _stamp(start - timedelta(days=14)), "modified": _stamp(start),
        })
    for number in range(1, 151):
        day = datetime(2025, 1, 1, 9, tzinfo=BERLIN) + timedelta(days=rng.randrange(365))
        paper: dict[str, Any] = {
            "id": f"{body}/paper/{number}", "type": T + "Paper", "body": body,
            "name": f"Vorlage {number}", "reference": f"V/{number:04d}/2025",
            "date": day.date().isoformat(), "paperType": rng.choice(PAPER_TYPES),
            "created": _stamp(day), "modified": _stamp(day),
        }
        if rng.random() < 0.8:
            paper["mainFile"] = {
                "id": f"{body}/file/{number}", "type": T + "File", "name": f"Vorlage {number}",
                "fileName": f"vorlage-{number}.pdf", "mimeType": "application/pdf",
                "accessUrl": f"{base}/files/vorlage-{number}.pdf",
                "created": _stamp(day), "modified": _stamp(day)}
        papers.append(paper)
    lists = {"organization": organizations, "meeting": meetings, "paper": papers}
    body_object = {
        "id": body, "type": T + "Body", "system": f"{base}/", "name": "Stadt Musterstadt",
        "shortName": "Musterstadt", "ags": "07318000",
        **{name: f"{body}/{name}s" for name in ("organization", "person", "meeting", "paper")},
        "legislativeTerm": [], "created": _stamp(created), "modified": _stamp(created),
    }
    system = {"id": f"{base}/", "type": T + "System", "oparlVersion": "https://schema.oparl.org/1.1/",
              "body": f"{base}/bodies", "name": "Ratsinformationssystem Musterstadt",
              "created": _stamp(created), "modified": _stamp(created)}
    return {"system": system, "bodies": [body_object], **lists}


class _Handler(BaseHTTPRequestHandler):
    server: OParlServer  # type: ignore[assignment]

    def do_GET(self) -> None:  # noqa: N802
        self.server.requests.append(self.path)
        url = urlparse(self.path)
        query = parse_qs(url.query)
        faults = self.server.faults
        if faults.get("rate_limit_once") and not self.server.rate_limited:
            self.server.rate_limited = True
            return self._send(429, "{}", {"Retry-After": "1"})
        if faults.get("invalid_json") and url.path.endswith("/papers"):
            return self._send(200, "{ kein json")
        data = self.server.data
        if url.path in ("", "/"):
            return self._json(data["system"])
        if url.path == "/bodies":
            return self._json(self._page(data["bodies"], query, url.path))
        for name in ("organization", "meeting", "paper"):
            if url.path.endswith(f"/{name}s"):
                objects = data[name]
                if "modified_since" in query:
                    stamp = query["modified_since"][0].replace("Z", "+00:00")
                    since = datetime.fromisoformat(stamp)
                    objects = [o for o in objects if datetime.fromisoformat(o["modified"]) >= since]
                return self._json(self._page(objects, query, url.path))
        return self._send(404, json.dumps({"error": "not found"}))

    def _page(self, objects: list[dict[str, Any]], query: dict[str, list[str]],
              path: str) -> dict[str, Any]:
        page = int(query.get("page", ["1"])[0])
        total_pages = max(1, -(-len(objects) // PAGE_SIZE))
        result: dict[str, Any] = {
            "data": objects[(page - 1) * PAGE_SIZE: page * PAGE_SIZE],
            "pagination": {"totalElements": len(objects), "elementsPerPage": PAGE_SIZE,
                           "currentPage": page, "totalPages": total_pages},
            "links": {},
        }
        if page < total_pages:
            extra = "".join(f"&{k}={v[0]}" for k, v in query.items() if k != "page")
            target = "/gibt-es-nicht" if self.server.faults.get("broken_next") else path
            result["links"]["next"] = f"{self.server.base}{target}?page={page + 1}{extra}"
        return result

    def _json(self, document: Any) -> None:
        self._send(200, json.dumps(document, ensure_ascii=False))

    def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


class OParlServer(ThreadingHTTPServer):
    def __init__(self, **faults: bool) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        self.data = generate(self.base)
        self.faults = faults
        self.requests: list[str] = []
        self.rate_limited = False

    def __enter__(self) -> OParlServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *args: object) -> None:
        self.shutdown()
        self.server_close()
