"""HTTP transport for the CKAN target: ckanapi's `RemoteCKAN` with failures classified by
transport error and HTTP status (never by CKAN's localised messages) before ckanapi parses,
and uploads streamed as a multipart body instead of being built in memory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import ckanapi
import requests

from flows.errors import TargetUnreachableError, TerminalError

USER_AGENT = "kennzahlen/0.1 (+https://github.com/kennzahlen)"


class Client(ckanapi.RemoteCKAN):
    """RemoteCKAN that classifies transport failures and HTTP status before ckanapi parses."""

    def _request_fn(self, url: str, data: Any, headers: Any, files: Any, kwargs: Any) -> Any:
        if files:
            data, headers, files = _streamed(data, headers, files)
        # no redirects: a redirected POST would lose its body (as in ckanapi itself)
        return classify(url, lambda: self.session.post(
            url, data=data, headers=headers, files=files, allow_redirects=False, **kwargs))

    def _request_fn_get(self, url: str, data_dict: Any, headers: Any, kwargs: Any) -> Any:
        return classify(url, lambda: self.session.get(url, params=data_dict, headers=headers,
                                                       **kwargs))


def _streamed(data: dict[bytes, bytes], headers: dict[str, str],
              files: dict[str, Any]) -> tuple[Any, dict[str, str], None]:
    """A multipart body that reads the files while sending (requests would build the whole
    body in memory first, a problem for files of hundreds of megabytes)."""
    from requests_toolbelt import MultipartEncoder

    fields: list[tuple[str, Any]] = [(k.decode(), v.decode()) for k, v in data.items()]
    for name, handle in files.items():
        filename = Path(getattr(handle, "name", name)).name
        fields.append((name, (filename, handle, "application/octet-stream")))
    body = MultipartEncoder(fields=fields)
    return body, {**headers, "Content-Type": body.content_type}, None


def classify(url: str, send: Any) -> tuple[int, str]:
    """Send one request and classify its failure by transport error and HTTP status.

    Args:
        url: The action URL (`.../api/3/action/<action>`), named in messages.
        send: Sends the request and returns the `requests.Response`.

    Returns:
        The status and body, for ckanapi to parse.

    Raises:
        TargetUnreachableError: timeout, no connection, HTTP 429 or 5xx (with `retry_after`
            from a numeric Retry-After header).
        TerminalError: the answer is not CKAN's (no JSON object with `success`).
    """
    action = url.rsplit("/", 1)[-1]
    try:
        response = send()
        status, text = response.status_code, response.text
    except requests.Timeout:
        raise TargetUnreachableError(
            f"Das Portal hat bei '{action}' nicht rechtzeitig geantwortet.", url=url
        ) from None
    except requests.ConnectionError:
        raise TargetUnreachableError(
            f"Das Portal unter {url.split('/api/')[0]} ist nicht erreichbar (Verbindung abgelehnt, "
            "abgebrochen oder Name unbekannt).", url=url
        ) from None
    if status == 429 or status >= 500:
        raise TargetUnreachableError(
            f"Das Portal antwortete bei '{action}' mit HTTP {status}; später erneut versuchen.",
            url=url, status=status, retry_after=_retry_after(response.headers.get("Retry-After")),
        )
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or "success" not in parsed:
        raise TerminalError(
            f"Unter {url.split('/api/')[0]} antwortet kein CKAN-Portal (HTTP {status} ohne "
            "CKAN-Antwort bei '{action}'). CKAN_URL prüfen.".replace("{action}", action), url=url
        )
    return status, text


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None
