"""JSON/HTTP source: records from a web API, page by page.

Pagination follows a next link (`pagination.next`: dot path in the response) or counts pages
(`page_param`, `size_param`). An auth header is read from the environment. Timeouts, connection
errors and HTTP 5xx/429 are retried with backoff; 4xx answers and broken JSON are not.
A local `path` instead of `url` reads a bundled JSON file (used by the demo).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urljoin

from flows import problems
from flows.adapters.sources.http import SourceFailedError, get_json
from flows.errors import ConfigError
from flows.model.secrets import Secrets
from flows.problems import Problem
from flows.specs.datasets import SourceSpec

MAX_PAGES = 1000


def read(source: SourceSpec, context: dict[str, Any], secrets: Secrets,
         ) -> tuple[list[str], list[list[Any]], dict[str, Any], list[Problem]]:
    """Records of a JSON file or web API as header and rows (never raises for bad input).

    Args:
        source: the declared source (`path`, or `url`/`url_env` with paging and auth).
        context: dataset, resource and file for problem records.
        secrets: where `url_env` and the API key (`auth.env`, `auth.block`) are looked up.
    """
    options = source.options
    url = options.get("url") or secrets.env(options.get("url_env"))
    provenance = {"kind": "json", "location": url or str(source.path)}
    try:
        if source.path:
            records, pages = _records_from_file(source), 1
        else:
            records, pages = _records_from_api(url, options, secrets)
    except SourceFailedError as failure:
        return [], [], provenance, [problems.make(failure.code, failure.message, **context)]
    header: list[str] = []
    for record in records:
        header += [key for key in record if key not in header]
    rows = [[record.get(key) for key in header] for record in records]
    provenance["pages"] = pages
    return header, rows, provenance, []


def _records_from_file(source: SourceSpec) -> list[dict[str, Any]]:
    assert source.path is not None
    try:
        document = json.loads(source.path.read_text(encoding="utf-8"))
    except OSError:
        raise SourceFailedError(
            "source-missing", f"Die Datei {source.path.name} fehlt.") from None
    except ValueError as exc:
        raise SourceFailedError(
            "source-unreadable", f"Die Datei ist kein gültiges JSON ({exc}).") from None
    return _at(document, source.options.get("records"))


def _records_from_api(url: str, options: dict[str, Any], secrets: Secrets,
                      ) -> tuple[list[dict[str, Any]], int]:
    import requests

    if not url:
        raise SourceFailedError(
            "config-error", f"Die Umgebungsvariable {options.get('url_env')} (URL der "
                            "Schnittstelle) ist nicht gesetzt.")
    headers = {"Accept": "application/json"}
    auth = options.get("auth")
    if auth:
        token = _token(auth, secrets)
        headers[auth.get("header", "Authorization")] = auth.get("prefix", "") + token
    paging = options.get("pagination") or {}
    params: dict[str, Any] = {}
    page = int(paging.get("start", 1))
    if paging.get("page_param"):
        params[paging["page_param"]] = page
    if paging.get("size_param"):
        params[paging["size_param"]] = paging.get("size", 100)
    records: list[dict[str, Any]] = []
    pages = 0
    with requests.Session() as session:
        for pages in range(1, int(paging.get("max_pages", MAX_PAGES)) + 1):  # noqa: B007 (returned)
            document = _get(session, url, params, headers, options)
            batch = _at(document, options.get("records"))
            records += batch
            if paging.get("next"):
                link = _at_value(document, paging["next"])
                if not link:
                    break
                url, params = urljoin(url, str(link)), {}
            elif paging.get("page_param") and batch:
                page += 1
                params[paging["page_param"]] = page
            else:
                break
    return records, pages


def _token(auth: dict[str, str], secrets: Secrets) -> str:
    """The API key, from the environment or a Prefect Secret block."""
    if auth.get("block"):
        try:
            return secrets.block(auth["block"], "auth.block")
        except ConfigError as exc:
            raise SourceFailedError(
                "config-error", exc.message) from None
    token = secrets.env(auth.get("env"))
    if not token:
        raise SourceFailedError(
            "config-error", f"Die Umgebungsvariable {auth.get('env')} "
                            "(Zugangsschlüssel der Schnittstelle) ist nicht gesetzt.")
    return token


def _get(session: Any, url: str, params: dict[str, Any], headers: dict[str, str],
         options: dict[str, Any]) -> Any:
    return get_json(session, url, params=params, headers=headers,
                    timeout=float(options.get("timeout", 30)),
                    retries=int(options.get("retries", 3)))


def _at_value(document: Any, path: str | None) -> Any:
    for part in (path or "").split("."):
        if not part:
            continue
        document = document.get(part) if isinstance(document, dict) else None
    return document


def _at(document: Any, path: str | None) -> list[dict[str, Any]]:
    found = _at_value(document, path)
    if not isinstance(found, list) or not all(isinstance(r, dict) for r in found):
        raise SourceFailedError(
            "source-unreadable", f"Unter '{path or '(Wurzel)'}' steht keine Liste von "
                                 "Datensätzen (records in dataset.yaml prüfen).")
    return found
