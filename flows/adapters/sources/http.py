"""HTTP GET of JSON with the retry rules every web source shares.

Timeouts, connection errors, HTTP 429 and 5xx are retried with exponential backoff (honouring
`Retry-After`); 4xx and a body that is not JSON fail at once. Failures are `SourceFailedError`s
with a problem code and a German message that names the URL but no credentials.
"""

from __future__ import annotations

import time
from typing import Any


class SourceFailedError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def get_json(session: Any, url: str, *, params: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None, timeout: float = 30, retries: int = 3,
             what: str = "Die Schnittstelle") -> Any:
    """GET `url` and decode JSON, retrying only what may pass on a second try."""
    import requests

    for attempt in range(retries + 1):
        backoff = min(0.2 * 2 ** attempt, 5)
        try:
            response = session.get(url, params=params, headers=headers, timeout=timeout)
        except (requests.Timeout, requests.ConnectionError):
            if attempt == retries:
                raise SourceFailedError("source-unreachable", f"{what} unter {url} ist nicht "
                                    f"erreichbar (nach {retries + 1} Versuchen).") from None
            time.sleep(backoff)
            continue
        status = response.status_code
        if status == 429 or status >= 500:
            if attempt == retries:
                raise SourceFailedError("source-unreachable", f"{what} antwortet mit HTTP {status} "
                                    f"({url}, nach {retries + 1} Versuchen).")
            after = response.headers.get("Retry-After", "")
            time.sleep(min(float(after), 60) if after.isdigit() else backoff)
            continue
        if status >= 400:
            raise SourceFailedError("source-rejected", f"{what} lehnt {url} ab (HTTP {status}); "
                                "Adresse und Zugang prüfen.")
        try:
            return response.json()
        except ValueError:
            raise SourceFailedError("source-unreadable",
                                f"{what} liefert unter {url} kein gültiges JSON.") from None
    raise AssertionError("unreachable")
