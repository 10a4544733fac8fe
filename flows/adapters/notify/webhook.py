"""A JSON POST to a webhook (a chat tool's incoming webhook or any receiver).

A webhook URL may carry a token, so no message here shows more of it than its host.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests

from flows.errors import TerminalError, TransientError


def host_of(url: str) -> str:
    """What a message may show of a webhook URL: its host."""
    return urlsplit(url).hostname or "?"


def post(url: str, payload: dict[str, Any], timeout: float = 15.0) -> None:
    """POST `payload` as JSON to `url`.

    Raises:
        TransientError: the receiver is unreachable, times out or answers 429/5xx.
        TerminalError: it answers with another 4xx (wrong URL, token withdrawn).
    """
    where = host_of(url)
    try:
        response = requests.post(url, json=payload, timeout=timeout)
    except requests.RequestException as exc:
        raise TransientError(f"Der Webhook bei {where} ist nicht erreichbar "
                             f"({type(exc).__name__}).") from None
    if response.status_code == 429 or response.status_code >= 500:
        raise TransientError(f"Der Webhook bei {where} antwortet mit {response.status_code}.")
    if response.status_code >= 400:
        raise TerminalError(f"Der Webhook bei {where} lehnt die Nachricht ab "
                            f"({response.status_code}); die Adresse prüfen.")
