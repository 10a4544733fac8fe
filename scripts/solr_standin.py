"""Solr-API STAND-IN for the test CKAN only. Not a search server.

CKAN 2.11/2.12 refuses every dataset write without a search server, and Apache Solr cannot be
installed from the package registries this project can reach. This small in-memory server
answers the few calls CKAN makes, so the integration tests can run a real CKAN:

- `GET  /solr/ckan/schema?wt=schema.xml` and `/admin/file/?file=schema.xml`: the schema name
  (`ckan-2.12`) that CKAN checks at start-up;
- `POST /solr/ckan/update/`: JSON document lists (index) and XML `<delete>`/`<commit/>`;
- `GET|POST /solr/ckan/select/`: `q`, `fq`, `rows`, `start`, `fl`, `facet.field`, with simple
  matching: `*:*`, `field:value`, `field:"value"`, `field:(a OR b)`, `+`/`-` prefixes, `OR`
  between terms, free words as case-insensitive substring search. Anything else matches all and
  is logged. Sorting and relevance are not implemented.

`scripts/ckan-dev` starts it unless SOLR_URL points to a real Solr, which then replaces it.
Standard library only; run with `python3 scripts/solr_standin.py --port 58983`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

DOCS: dict[str, dict[str, Any]] = {}
LOCK = threading.Lock()
SCHEMA = '<?xml version="1.0" encoding="UTF-8" ?>\n<schema name="ckan-2.12" version="1.6"/>\n'


TOKEN = re.compile(r'([+-]?)([\w.]+:)?("(?:[^"\\]|\\.)*"|\(|\)|[^\s()]+)')


def _field_matches(doc: dict[str, Any], field: str, want: str) -> bool:
    value = doc.get(field)
    if value is None:
        return False
    texts = [str(v).lower() for v in (value if isinstance(value, list) else [value])]
    want = want.lower()
    if want == "*" or want in texts:
        return True
    return want.endswith("*") and any(t.startswith(want[:-1]) for t in texts)


def _parse(tokens: list[tuple[str, str, str]], i: int, field: str | None) -> tuple[list, int]:
    """Lucene-style clauses: [(occur, node)], occur in must/should/not; node is a term
    (field, value) or a nested clause list."""
    clauses: list[tuple[str, Any]] = []
    pending_and = pending_not = False
    while i < len(tokens):
        sign, prefix, value = tokens[i]
        i += 1
        if value == ")":
            break
        if not prefix and value in ("AND", "&&"):
            pending_and = True
            if clauses and clauses[-1][0] == "should":
                clauses[-1] = ("must", clauses[-1][1])
            continue
        if not prefix and value in ("OR", "||"):
            continue
        if not prefix and value == "NOT":
            pending_not = True
            continue
        name = prefix[:-1] if prefix else field
        if value == "(":
            node, i = _parse(tokens, i, name)
            node = ("group", node)
        else:
            node = ("term", name, value.strip('"').replace('\\"', '"'))
        occur = "not" if sign == "-" or pending_not else (
            "must" if sign == "+" or pending_and else "should")
        clauses.append((occur, node))
        pending_and = pending_not = False
    return clauses, i


def _eval(doc: dict[str, Any], clauses: list) -> bool:
    def hit(node: Any) -> bool:
        if node[0] == "group":
            return _eval(doc, node[1])
        _, name, value = node
        if value in ("*:*", "*") and name is None:
            return True
        if name is None:
            return value.lower() in json.dumps(doc, ensure_ascii=False).lower()
        return _field_matches(doc, name, value)

    must = [hit(n) for o, n in clauses if o == "must"]
    should = [hit(n) for o, n in clauses if o == "should"]
    if any(hit(n) for o, n in clauses if o == "not"):
        return False
    if must:
        return all(must)
    return any(should) if should else True


def matches(doc: dict[str, Any], query: str) -> bool:
    query = re.sub(r"\{![^}]*\}", "", query or "").strip()
    if query in ("", "*:*", "*"):
        return True
    clauses, _ = _parse(TOKEN.findall(query), 0, None)
    return _eval(doc, clauses)


def select(params: dict[str, list[str]]) -> dict[str, Any]:
    q = (params.get("q") or ["*:*"])[0]
    filters = params.get("fq") or []
    rows = int((params.get("rows") or ["10"])[0])
    start = int((params.get("start") or ["0"])[0])
    fields = [f for f in ",".join(params.get("fl") or []).replace(" ", ",").split(",") if f]
    with LOCK:
        found = [d for d in DOCS.values() if matches(d, q) and all(matches(d, f) for f in filters)]
    facets: dict[str, list[Any]] = {}
    for name in params.get("facet.field") or []:
        counts: dict[str, int] = {}
        for doc in found:
            value = doc.get(name)
            for item in value if isinstance(value, list) else ([value] if value else []):
                counts[str(item)] = counts.get(str(item), 0) + 1
        facets[name] = [x for pair in sorted(counts.items(), key=lambda kv: -kv[1]) for x in pair]
    page = found[start:start + rows]
    if fields and "*" not in fields:
        page = [{k: v for k, v in d.items() if k in fields or k == "score"} for d in page]
    return {
        "responseHeader": {"status": 0, "QTime": 0,
                           "params": {k: v[-1] for k, v in params.items()}},
        "response": {"numFound": len(found), "start": start, "docs": page},
        "facet_counts": {"facet_queries": {}, "facet_fields": facets, "facet_ranges": {},
                         "facet_intervals": {}, "facet_heatmaps": {}},
    }


def update(body: bytes, content_type: str) -> None:
    text = body.decode("utf-8").strip()
    if not text:
        return
    if text.startswith("[") or text.startswith("{"):
        docs = json.loads(text)
        with LOCK:
            for doc in docs if isinstance(docs, list) else [docs]:
                key = str(doc.get("index_id") or doc.get("id"))
                DOCS[key] = doc
        return
    root = ET.fromstring(text)
    for element in [root] if root.tag == "delete" else root.iter("delete"):
        with LOCK:
            for ident in element.iter("id"):
                DOCS.pop(ident.text or "", None)
                for key in [k for k, d in DOCS.items() if d.get("id") == ident.text]:
                    DOCS.pop(key)
            for query in element.iter("query"):
                for key in [k for k, d in DOCS.items() if matches(d, query.text or "")]:
                    DOCS.pop(key)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, params: dict[str, list[str]], body: bytes) -> None:
        path = urlparse(self.path).path.rstrip("/")
        if path.endswith("/schema") or path.endswith("/admin/file"):
            self._send(200, SCHEMA, "application/xml")
        elif path.endswith("/admin/ping"):
            self._send(200, json.dumps({"status": "OK", "responseHeader": {"status": 0}}))
        elif path.endswith("/select"):
            self._send(200, json.dumps(select(params)))
        elif path.endswith("/update"):
            update(body, self.headers.get("Content-Type", ""))
            self._send(200, json.dumps({"responseHeader": {"status": 0, "QTime": 0}}))
        else:
            sys.stderr.write(f"solr-standin: unsupported {self.command} {self.path}\n")
            self._send(404, json.dumps({"error": {"msg": "not supported by the stand-in"}}))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._route(parse_qs(urlparse(self.path).query), b"")

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        params = parse_qs(urlparse(self.path).query)
        if "form-urlencoded" in self.headers.get("Content-Type", ""):
            params.update(parse_qs(body.decode("utf-8")))
            body = b""
        self._route(params, body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=58983)
    parser.add_argument("--schema", default="ckan-2.12",
                        help="schema name CKAN checks at start-up (CKAN 2.11 wants ckan-2.11)")
    args = parser.parse_args()
    global SCHEMA  # noqa: PLW0603 (set once, before serving)
    SCHEMA = SCHEMA.replace("ckan-2.12", args.schema)
    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
