"""CKAN action calls and downloads, with client errors translated into `flows.errors` types.

The transport (`http.Client`) already turns timeouts, refused connections, HTTP 429/5xx and
answers that are not CKAN's into `TargetUnreachableError` / `TerminalError`; this module
translates what ckanapi raises after parsing, by exception type and error fields, never by
CKAN's (localised) messages. No retrying here: that is `retry.RetryPolicy`'s job, around a
whole operation that re-reads the portal first. The API token is sent, never shown: it is in
no message, context or repr.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ckanapi
import requests

from flows.adapters.ckan.http import USER_AGENT, Client
from flows.errors import (
    NameConflictError,
    NotAuthorizedError,
    PublishRejectedError,
    TerminalError,
    TransientError,
)


class ActionClient:
    """Action calls and downloads against one CKAN portal with one account.

    Args:
        url: The portal's base URL (without trailing slash).
        token: The API token; sent with every request, kept only inside ckanapi's client.
        timeout: Seconds per HTTP request.
    """

    def __init__(self, url: str, token: str, *, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.ckan = Client(url, apikey=token, user_agent=USER_AGENT)
        """ckanapi's client (with the streaming, classifying transport of `http`)."""

    def __repr__(self) -> str:
        return f"ActionClient({self.url!r})"

    def call(self, action: str, data: dict[str, Any], *, dataset: str | None = None,
             files: dict[str, Any] | None = None) -> Any:
        """One CKAN action call; ckanapi's `NotFound` passes through, other errors are translated.

        Args:
            action: The action name, e.g. `package_show`.
            data: The action's parameters.
            dataset: The dataset the call is for (named in errors).
            files: Uploads by field name; each handle is rewound first (a retry sends it again).

        Returns:
            The action's result.

        Raises:
            ckanapi.NotFound: the object does not exist (or is deleted).
            NotAuthorizedError: HTTP 403, the account lacks the right.
            NameConflictError: `package_create` refused for the name.
            PublishRejectedError: other validation errors (with the fields) or unexpected answers.
            TransientError: the search index did not accept the change.
            TargetUnreachableError: no answer, HTTP 429/5xx (from the transport).
            TerminalError: the URL does not answer like CKAN.
        """
        for handle in (files or {}).values():
            handle.seek(0)
        try:
            return self.ckan.call_action(action, data, files=files,
                                         requests_kwargs={"timeout": self.timeout})
        except ckanapi.NotFound:
            raise
        except (ckanapi.CKANAPIError, ckanapi.ServerIncompatibleError) as exc:
            raise translate(exc, action, dataset, self.url) from None

    def download(self, url: str, file: str, slug: str, sink: Callable[[bytes], Any]) -> None:
        """Stream what the portal serves at `url` into `sink` (the token goes along, for
        private datasets).

        Args:
            url: The resource's download URL.
            file: The file name used in messages.
            slug: The dataset (named in errors).
            sink: Called with each chunk of up to 1 MiB.

        Raises:
            TransientError: any failure, since the portal just accepted or served the file.
        """
        if self.ckan.session is None:  # ckanapi opens it with the first action call only
            self.ckan.session = requests.Session()
        try:
            with self.ckan.session.get(url, headers={"Authorization": self.ckan.apikey},
                                       timeout=self.timeout, stream=True) as response:
                if response.status_code != 200:
                    raise TransientError(f"Die Datei {file} ist im Portal nicht "
                                         f"abrufbar (HTTP {response.status_code}).", dataset=slug)
                for chunk in response.iter_content(1 << 20):
                    sink(chunk)
        except requests.RequestException:
            raise TransientError(f"Die Datei {file} konnte nicht aus dem Portal geladen "
                                 "werden.", dataset=slug) from None

    def close(self) -> None:
        """Close the HTTP session."""
        self.ckan.close()


def translate(exc: ckanapi.CKANAPIError | ckanapi.ServerIncompatibleError, action: str,
              dataset: str | None, url: str) -> Exception:
    """The `flows.errors` exception for an error ckanapi raised (other than `NotFound`).

    Args:
        exc: What ckanapi raised.
        action: The action called.
        dataset: The dataset the call was for.
        url: The portal's base URL.

    Returns:
        The exception to raise instead (its message German, without CKAN's own text).
    """
    if isinstance(exc, ckanapi.NotAuthorized):
        return NotAuthorizedError(
            f"Das Portal verweigert '{action}' für dieses Konto (HTTP 403).", dataset=dataset
        )
    if isinstance(exc, ckanapi.ValidationError):
        errors = exc.error_dict if isinstance(exc.error_dict, dict) else {}
        fields = sorted(k for k in errors if not k.startswith("__"))
        if action == "package_create" and "name" in fields:
            return NameConflictError(
                f"Der Kurzname '{dataset}' ist im Portal bereits belegt (Datensatz, den dieses "
                "Konto nicht sieht oder nicht bearbeiten darf).", dataset=dataset
            )
        detail = "; ".join(f"{k}: {errors[k]}" for k in fields)
        return PublishRejectedError(
            f"Das Portal hat '{action}' abgelehnt, betroffene Felder: {detail or '(keine)'}.",
            dataset=dataset, fields=fields,
        )
    if isinstance(exc, ckanapi.SearchIndexError):
        return TransientError(
            f"Der Suchindex des Portals hat '{action}' nicht angenommen.", dataset=dataset
        )
    if isinstance(exc, ckanapi.ServerIncompatibleError):
        return TerminalError(
            f"Unter {url} antwortet kein CKAN-Portal (CKAN_URL prüfen).", dataset=dataset
        )
    return PublishRejectedError(
        f"Das Portal hat '{action}' mit einer unerwarteten Antwort abgelehnt.", dataset=dataset
    )
