"""Publish bundles to a CKAN portal through ckanapi's `RemoteCKAN`.

Idempotent and keyed by the slug: `package_show` first; if the stored content hash, the
resources and their hashes match the bundle, nothing is written. Otherwise the dataset is created
or patched, resources are matched by name (so a re-publish never duplicates them) and uploaded
with their sha256 (`kennzahlen_sha256`); the content hash is written last, so an interrupted publish is
finished by the next run. Client errors are translated into `TransientError` / `TerminalError`
by HTTP status (in `ckan_http`) and ckanapi exception type, never by CKAN's (localised) messages.
"""

from __future__ import annotations

import copy
import hashlib
import io
import random
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import IO, Any, TypeVar

import ckanapi
import requests

from flows.adapters.ckan.http import USER_AGENT, Client
from flows.adapters.ckan.mapping import (
    CHECKSUM,
    HASH_EXTRA,
    extra,
    extras_to_ckan,
    groups,
    merge_extras,
    resource_fields,
    to_ckan,
)
from flows.errors import (
    NameConflictError,
    NotAuthorizedError,
    PublishRejectedError,
    TerminalError,
    TransientError,
)
from flows.metadata import vocabularies as voc
from flows.model.bundle import Bundle, BundleFile, PublishOutcome
from flows.model.tables import read_table
from flows.specs.datasets import ResourceSpec

T = TypeVar("T")
R = TypeVar("R")
SNAPSHOT_SECONDS = 30.0
_SNAPSHOTS: dict[tuple[str, str, str], tuple[float, dict[str, Any] | None]] = {}
"""(portal, account, dataset) → (when read, package): reads handed from the comparison to
publishing; the account is a digest of the token, so what one account may see is never handed
to another and the token itself is kept nowhere else."""
_SNAPSHOT_LOCK = threading.Lock()
SPOOL_BYTES = 16 << 20
"""A previous version up to this size is kept in memory while downloading, a larger one on disk."""

MANAGED = "kennzahlen_managed"
"""Resource field marking resources this pipeline created (only those are ever deleted)."""
STAGED = "kennzahlen_staged"
"""Resource field marking an uploaded new version that is not switched in yet."""
STAGED_SUFFIX = " (neue Version, in Vorbereitung)"


class CkanTarget:
    """A CKAN portal as a publishing target."""

    def __init__(self, url: str, token: str, *, timeout: float = 60.0,
                 create_organizations: bool = True, retry_budget: float = 120.0,
                 retry_base: float = 1.0) -> None:
        self.url = url.rstrip("/")
        self.label = f"ckan:{self.url}"
        self.timeout = timeout
        self.create_organizations = create_organizations
        self.retry_budget = retry_budget
        """Seconds one dataset may spend retrying transient failures before it fails."""
        self.retry_base = retry_base
        self.retries = 0
        """Retries of transient failures over the target's life (all calls, for reports)."""
        self._token = token
        self._account = hashlib.sha256(token.encode()).hexdigest()[:16]
        self._ckan = Client(self.url, apikey=token, user_agent=USER_AGENT)

    def __repr__(self) -> str:
        return f"CkanTarget({self.url!r})"

    def call(self, action: str, dataset: str | None = None, files: Any = None, **data: Any) -> Any:
        """One CKAN action call, translating ckanapi's errors (NotFound passes through).

        Retrying is `publish`'s job: it re-reads the portal before every attempt, so a create
        that timed out but went through is found instead of duplicated."""
        for handle in (files or {}).values():
            handle.seek(0)
        if not action.endswith(("_show", "_list")):
            with _SNAPSHOT_LOCK:
                _SNAPSHOTS.clear()
        try:
            return self._ckan.call_action(action, data, files=files,
                                          requests_kwargs={"timeout": self.timeout})
        except ckanapi.NotFound:
            raise
        except ckanapi.NotAuthorized:
            raise NotAuthorizedError(
                f"Das Portal verweigert '{action}' für dieses Konto (HTTP 403).", dataset=dataset
            ) from None
        except ckanapi.ValidationError as exc:
            errors = exc.error_dict if isinstance(exc.error_dict, dict) else {}
            fields = sorted(k for k in errors if not k.startswith("__"))
            if action == "package_create" and "name" in fields:
                raise NameConflictError(
                    f"Der Kurzname '{dataset}' ist im Portal bereits belegt (Datensatz, den dieses "
                    "Konto nicht sieht oder nicht bearbeiten darf).", dataset=dataset
                ) from None
            detail = "; ".join(f"{k}: {errors[k]}" for k in fields)
            raise PublishRejectedError(
                f"Das Portal hat '{action}' abgelehnt, betroffene Felder: {detail or '(keine)'}.",
                dataset=dataset, fields=fields,
            ) from None
        except ckanapi.SearchIndexError:
            raise TransientError(
                f"Der Suchindex des Portals hat '{action}' nicht angenommen.", dataset=dataset
            ) from None
        except ckanapi.ServerIncompatibleError:
            raise TerminalError(
                f"Unter {self.url} antwortet kein CKAN-Portal (CKAN_URL prüfen).", dataset=dataset
            ) from None
        except ckanapi.CKANAPIError:
            raise PublishRejectedError(
                f"Das Portal hat '{action}' mit einer unerwarteten Antwort abgelehnt.",
                dataset=dataset,
            ) from None

    def show(self, slug: str, *, keep: bool = False, take: bool = False) -> dict[str, Any] | None:
        """The dataset as the portal shows it, or None.

        `take` uses the snapshot of the same dataset kept in this process (by any target object
        of the same portal and account) if it is younger than SNAPSHOT_SECONDS, and removes it;
        `keep` keeps the answer as that snapshot. So the comparison before publishing reads the
        portal once, and the publish step that follows (a separate Prefect task with a target
        of its own) takes that read to see that nothing changed: an unchanged dataset costs one
        read. Any write to the portal drops all snapshots."""
        return self._show(slug, keep=keep, take=take)[0]

    def _show(self, slug: str, *, keep: bool, take: bool) -> tuple[dict[str, Any] | None, bool]:
        """`show`, plus whether the answer came from a snapshot."""
        key = (self.url, self._account, slug)
        kept = None
        if take:
            with _SNAPSHOT_LOCK:
                kept = _SNAPSHOTS.pop(key, None)
        fresh = kept is None or time.monotonic() - kept[0] >= SNAPSHOT_SECONDS
        if fresh:
            read, package = time.monotonic(), self._package_show(slug)
        else:
            read, package = kept[0], copy.deepcopy(kept[1])
        if keep:
            with _SNAPSHOT_LOCK:
                _SNAPSHOTS[key] = (read, copy.deepcopy(package))
        return package, not fresh

    def _package_show(self, slug: str) -> dict[str, Any] | None:
        try:
            return self.call("package_show", slug, id=slug)
        except ckanapi.NotFound:
            return None
        except NotAuthorizedError:
            raise NameConflictError(
                f"Der Kurzname '{slug}' gehört im Portal zu einem Datensatz, den dieses Konto nicht "
                "lesen darf.", dataset=slug,
            ) from None

    def current_hash(self, slug: str) -> str | None:
        """The content hash of the version the portal shows, or None if it has none (retried
        like publishing; the read is kept for the steps that follow, see `show`)."""
        package = self._retrying(lambda: self.show(slug, keep=True, take=True))
        if package is None or package.get("state") != "active":
            return None
        return extra(package, HASH_EXTRA) or None

    def publish(self, bundle: Bundle) -> PublishOutcome:
        """Make the portal show `bundle`, retrying transient failures with exponential backoff
        and jitter (or the server's Retry-After) until the retry budget is spent."""
        return self._retrying(lambda: self._converge(bundle))

    def last_published(self, dataset: str, resource: ResourceSpec,
                       read: Callable[[IO[str]], R] = read_table) -> R | None:
        """Download the resource's current CSV from the portal (streamed, with the token, retried
        like publishing) and give it to `read` (default: read into a `Table`); None if the
        dataset or the resource is not there yet."""
        return self._retrying(lambda: self._fetch_current(dataset, resource.name, read))

    def _retrying(self, attempt: Callable[[], T]) -> T:
        deadline = time.monotonic() + self.retry_budget
        attempts = 0
        while True:
            try:
                return attempt()
            except TransientError as exc:
                wait = exc.context.get("retry_after") or self.retry_base * 2 ** attempts
                wait += random.uniform(0, self.retry_base / 2)
                if time.monotonic() + wait > deadline:
                    if attempts:
                        exc.message += f" (aufgegeben nach {attempts} Wiederholungen)"
                    raise
                attempts += 1
                self.retries += 1
                time.sleep(wait)

    def _fetch_current(self, slug: str, name: str, read: Callable[[IO[str]], R]) -> R | None:
        package = self.show(slug, keep=True, take=True)
        if package is None:
            return None
        current = next((r for r in package.get("resources", []) if r.get("name") == name
                        and r.get(MANAGED) == "true" and r.get(STAGED) != "true"), None)
        if current is None or not current.get("url"):
            return None
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            self._download(current["url"], f"{name}.csv", slug, spool.write)
            spool.seek(0)
            with io.TextIOWrapper(spool, encoding="utf-8-sig", newline="") as text:
                return read(text)

    def _converge(self, bundle: Bundle) -> PublishOutcome:
        """One pass, two phases. Stage: changed files are uploaded as extra resources marked as
        staged, and verified (size, sha256); meanwhile the portal still shows the previous
        complete version. Switch: one `package_patch` replaces the old resources by the staged
        ones and writes the content hash, so readers see either the old or the new version.
        Staged uploads left by an interrupted pass are reused if they match, else removed and
        counted in the outcome."""
        slug = bundle.dataset.name
        package, snapshot = self._show(slug, keep=False, take=True)
        if package is not None and _is_current(package, bundle):
            return PublishOutcome(self.label, "unchanged", self._page(slug))
        if snapshot:  # writing needs the portal as it is now, not as the comparison saw it
            package = self.show(slug)
        desired = to_ckan(bundle.descriptor)
        desired["owner_org"] = bundle.dataset.owner_org
        desired["groups"] = groups(bundle.descriptor)
        self._ensure_groups(desired["groups"], slug)
        if package is None:
            self._ensure_organization(bundle)
            package = self.call("package_create", slug, **desired)
        live: dict[str, dict[str, Any]] = {}
        staged: dict[str, dict[str, Any]] = {}
        others: list[dict[str, Any]] = []
        removed = 0
        hashes = {item.name: item.sha256 for item in bundle.files}
        for resource in package.get("resources", []):
            name = resource.get("name", "")
            if resource.get(STAGED) == "true":
                final = name.removesuffix(STAGED_SUFFIX)
                if hashes.get(final) == resource.get(CHECKSUM) and final not in staged:
                    staged[final] = resource
                else:
                    self.call("resource_delete", slug, id=resource["id"])
                    removed += 1
            elif resource.get(MANAGED) == "true":
                if name in live:  # a duplicate, e.g. from a create that timed out
                    self.call("resource_delete", slug, id=resource["id"])
                    removed += 1
                else:
                    live[name] = resource
            else:
                others.append(resource)
        resources = []
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for item in bundle.files:
            current = live.get(item.name)
            described = {"description": item.description, "size": item.bytes,
                         **resource_fields(bundle.descriptor, item.format, item.mediatype)}
            if current is not None and current.get(CHECKSUM) == item.sha256:
                resources.append({**current, **described})
                continue
            new = staged.get(item.name) or self._stage(package["id"], item, slug)
            self._verify(new.get("url", ""), item, slug, new["id"])
            resources.append({**new, **described, "name": item.name, STAGED: "false",
                              "modified": now})
        extras = merge_extras(package.get("extras") or [], {
            **extras_to_ckan(bundle.descriptor), "modified": now,
            HASH_EXTRA: bundle.content_hash})
        self.call("package_patch", slug, id=package["id"], state="active", extras=extras,
                  resources=resources + others, **desired)
        return PublishOutcome(self.label, "published", self._page(slug), removed)

    def _stage(self, package_id: str, item: BundleFile, slug: str) -> dict[str, Any]:
        """Upload one file as a staged resource (the switch renames it)."""
        fields = {
            "name": item.name + STAGED_SUFFIX, "description": item.description,
            "format": item.format, CHECKSUM: item.sha256, MANAGED: "true", STAGED: "true",
        }
        with item.path.open("rb") as handle:
            return self.call("resource_create", slug, files={"upload": handle},
                             package_id=package_id, **fields)

    def _verify(self, url: str, item: BundleFile, slug: str, resource_id: str) -> None:
        """Download what the portal serves and compare its sha256; a mismatch drops the staged
        resource, so the next pass uploads the file again."""
        try:
            self._download_matches(url, item, slug)
        except TransientError:
            self.call("resource_delete", slug, id=resource_id)
            raise

    def _download_matches(self, url: str, item: BundleFile, slug: str) -> None:
        digest = hashlib.sha256()
        self._download(url, item.path.name, slug, digest.update)
        if digest.hexdigest() != item.sha256:
            raise TransientError(f"Die Datei {item.path.name} weicht im Portal von der "
                                 "hochgeladenen ab (sha256).", dataset=slug)

    def _download(self, url: str, file: str, slug: str, sink: Callable[[bytes], Any]) -> None:
        """Stream what the portal serves at `url` into `sink` (the token goes along, for
        private datasets); any failure is transient: the portal just accepted or served it."""
        if self._ckan.session is None:  # ckanapi opens it with the first action call only
            self._ckan.session = requests.Session()
        try:
            with self._ckan.session.get(url, headers={"Authorization": self._token},
                                        timeout=self.timeout, stream=True) as response:
                if response.status_code != 200:
                    raise TransientError(f"Die Datei {file} ist im Portal nicht "
                                         f"abrufbar (HTTP {response.status_code}).", dataset=slug)
                for chunk in response.iter_content(1 << 20):
                    sink(chunk)
        except requests.RequestException:
            raise TransientError(f"Die Datei {file} konnte nicht aus dem Portal geladen "
                                 "werden.", dataset=slug) from None

    def _ensure_organization(self, bundle: Bundle) -> None:
        name = bundle.dataset.owner_org
        try:
            self.call("organization_show", bundle.dataset.name, id=name, include_datasets=False)
            return
        except ckanapi.NotFound:
            pass
        if not self.create_organizations:
            raise TerminalError(
                f"Die Organisation '{name}' gibt es im Portal nicht. Bitte dort anlegen oder "
                "ckan.owner_org in dataset.yaml korrigieren.", dataset=bundle.dataset.name,
            )
        try:
            self.call("organization_create", bundle.dataset.name, name=name,
                      title=bundle.dataset.organization_title)
        except NotAuthorizedError:
            raise NotAuthorizedError(
                f"Die Organisation '{name}' gibt es im Portal nicht, und dieses Konto darf sie "
                "nicht anlegen. Bitte im Portal anlegen lassen.", dataset=bundle.dataset.name,
            ) from None

    def _ensure_groups(self, wanted: list[dict[str, str]], slug: str) -> None:
        """Create the EU theme groups (as GovData names them) that the portal lacks."""
        for group in wanted:
            try:
                self.call("group_show", slug, id=group["name"], include_datasets=False)
                continue
            except ckanapi.NotFound:
                pass
            title = voc.THEMES.get(group["name"].upper(), group["name"])
            try:
                self.call("group_create", slug, name=group["name"], title=title)
            except NotAuthorizedError:
                raise NotAuthorizedError(
                    f"Die Themengruppe '{group['name']}' ({title}) gibt es im Portal nicht, und "
                    "dieses Konto darf sie nicht anlegen. Bitte im Portal anlegen lassen.",
                    dataset=slug) from None

    def _page(self, slug: str) -> str:
        return f"{self.url}/dataset/{slug}"

    def finish(self) -> None:
        self._ckan.close()


def _is_current(package: dict[str, Any], bundle: Bundle) -> bool:
    """True when the portal already shows exactly this bundle (checked from one package_show)."""
    if package.get("state") != "active" or extra(package, HASH_EXTRA) != bundle.content_hash:
        return False
    if package.get("owner_org") and package.get("organization", {}).get("name") not in (
            None, bundle.dataset.owner_org):
        return False
    resources = package.get("resources", [])
    managed = [r.get("name") for r in resources if r.get(MANAGED) == "true"]
    if len(managed) != len(set(managed)) or any(r.get(STAGED) == "true" for r in resources):
        return False  # a late create or an interrupted switch left something to clean up
    hashes = {r.get("name"): r.get(CHECKSUM) for r in resources}
    return all(hashes.get(item.name) == item.sha256 for item in bundle.files)
