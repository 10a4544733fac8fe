"""Publish bundles to a CKAN portal: the `Target` for CKAN, composed of the parts beside it.

Idempotent and keyed by the slug: `package_show` first; if the stored content hash, the
resources and their hashes match the bundle, nothing is written. Otherwise the organization and
theme groups are ensured (`owners`), the dataset is created if missing and its files are staged,
verified and switched in (`upload`); resources are matched by name, so a re-publish never
duplicates them. Action calls and their error translation are in `client` (over the transport of
`http`), retrying transient failures in `retry`, the read handed from the comparison to the
publish step in `snapshots`; the tables are copied into the portal's DataStore (if it runs one)
by `datastore`, for CKAN's table preview and data API. Every action call goes through
`CkanTarget.call` and every download through `CkanTarget._download`, so a subclass sees all
traffic (tests record it there).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from typing import IO, Any, TypeVar

import ckanapi

from flows.adapters.ckan import breaker, datastore, owners, snapshots, upload
from flows.adapters.ckan.client import ActionClient
from flows.adapters.ckan.mapping import HASH_EXTRA, extra, groups, to_ckan
from flows.adapters.ckan.retry import RetryPolicy
from flows.errors import NameConflictError, NotAuthorizedError, TargetUnreachableError
from flows.model.bundle import Bundle, PublishOutcome
from flows.model.tables import read_table
from flows.specs.datasets import ResourceSpec

R = TypeVar("R")
SPOOL_BYTES = 16 << 20
"""A previous version up to this size is kept in memory while downloading, a larger one on disk."""


class CkanTarget:
    """A CKAN portal as a publishing target.

    Args:
        url: The portal's base URL.
        token: The API token (sent with every request, never shown).
        timeout: Seconds per HTTP request.
        create_organizations: Create a dataset's missing organization instead of failing.
        retry_budget: Seconds one publish or read may spend retrying transient failures.
        retry_base: First backoff in seconds (doubling with each retry).
    """

    def __init__(self, url: str, token: str, *, timeout: float = 60.0,
                 create_organizations: bool = True, retry_budget: float = 120.0,
                 retry_base: float = 1.0) -> None:
        self.url = url.rstrip("/")
        self.label = f"ckan:{self.url}"
        self.timeout = timeout
        self.create_organizations = create_organizations
        self._retry = RetryPolicy(retry_budget, retry_base)
        self._account = snapshots.account(token)
        self._client = ActionClient(self.url, token, timeout=timeout)
        self._datastore: bool | None = None

    def __repr__(self) -> str:
        return f"CkanTarget({self.url!r})"

    @property
    def retry_budget(self) -> float:
        """Seconds one dataset may spend retrying transient failures before it fails."""
        return self._retry.budget

    @property
    def retry_base(self) -> float:
        """First backoff in seconds."""
        return self._retry.base

    @property
    def retries(self) -> int:
        """Retries of transient failures over the target's life (all calls, for reports)."""
        return self._retry.retries

    def call(self, action: str, dataset: str | None = None, files: Any = None, **data: Any) -> Any:
        """One CKAN action call, translating ckanapi's errors (NotFound passes through).

        A write drops all snapshots. Retrying is `publish`'s job: it re-reads the portal before
        every attempt, so a create that timed out but went through is found instead of
        duplicated.

        Raises:
            ckanapi.NotFound: the object does not exist.
            TransientError: may succeed later (see `client.ActionClient.call`).
            TerminalError: will not (see `client.ActionClient.call`).
        """
        snapshots.drop_on_write(action)
        return self._client.call(action, data, dataset=dataset, files=files)

    def show(self, slug: str, *, keep: bool = False, take: bool = False) -> dict[str, Any] | None:
        """The dataset as the portal shows it, or None.

        `take` uses the snapshot of the same dataset kept in this process (by any target object
        of the same portal and account) if it is younger than `snapshots.SNAPSHOT_SECONDS`, and
        removes it; `keep` keeps the answer as that snapshot. So the comparison before
        publishing reads the portal once, and the publish step that follows (a separate Prefect
        task with a target of its own) takes that read to see that nothing changed: an
        unchanged dataset costs one read. Any write to the portal drops all snapshots."""
        return self._show(slug, keep=keep, take=take)[0]

    def _show(self, slug: str, *, keep: bool, take: bool) -> tuple[dict[str, Any] | None, bool]:
        """`show`, plus whether the answer came from a snapshot."""
        return snapshots.read((self.url, self._account, slug),
                              lambda: self._package_show(slug), keep=keep, take=take)

    def _package_show(self, slug: str) -> dict[str, Any] | None:
        """`package_show` without snapshots: None if missing, a name conflict if not readable."""
        try:
            return self.call("package_show", slug, id=slug)
        except ckanapi.NotFound:
            return None
        except NotAuthorizedError:
            raise NameConflictError(
                f"Der Kurzname '{slug}' gehört im Portal zu einem Datensatz, den dieses Konto "
                "nicht lesen darf.", dataset=slug,
            ) from None

    def current_hash(self, slug: str) -> str | None:
        """The content hash of the version the portal shows, or None if it has none (retried
        like publishing; the read is kept for the steps that follow, see `show`)."""
        package = self._guarded(lambda: self.show(slug, keep=True, take=True), slug)
        if package is None or package.get("state") != "active":
            return None
        return extra(package, HASH_EXTRA) or None

    def publish(self, bundle: Bundle) -> PublishOutcome:
        """Make the portal show `bundle`, retrying transient failures with exponential backoff
        and jitter (or the server's Retry-After) until the retry budget is spent."""
        return self._guarded(lambda: self._converge(bundle), bundle.dataset.name)

    def last_published(self, dataset: str, resource: ResourceSpec,
                       read: Callable[[IO[str]], R] = read_table) -> R | None:
        """Download the resource's current CSV from the portal (streamed, with the token, retried
        like publishing) and give it to `read` (default: read into a `Table`); None if the
        dataset or the resource is not there yet."""
        return self._guarded(lambda: self._fetch_current(dataset, resource.name, read), dataset)

    def _guarded(self, attempt: Callable[[], R], dataset: str) -> R:
        """`attempt` retried within the budget, unless the portal was given up on earlier in
        this run (`breaker`); giving up on an unreachable portal opens the breaker.

        Raises:
            TargetDownError: the breaker is open; nothing was sent.
            TargetUnreachableError: the budget is spent (the breaker is now open).
        """
        breaker.check(self.url, dataset)
        try:
            return self._retry.run(attempt)
        except TargetUnreachableError as exc:
            exc.dataset = exc.dataset or dataset
            breaker.trip(self.url, exc)
            raise

    def _fetch_current(self, slug: str, name: str, read: Callable[[IO[str]], R]) -> R | None:
        package = self.show(slug, keep=True, take=True)
        if package is None:
            return None
        current = upload.live_resource(package, name)
        if current is None or not current.get("url"):
            return None
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            self._download(current["url"], f"{name}.csv", slug, spool.write)
            spool.seek(0)
            with io.TextIOWrapper(spool, encoding="utf-8-sig", newline="") as text:
                return read(text)

    def _converge(self, bundle: Bundle) -> PublishOutcome:
        """One publishing pass: unchanged if the portal shows the bundle already; else ensure
        groups and organization, create the dataset if missing, stage and switch (`upload`)."""
        slug = bundle.dataset.name
        package, snapshot = self._show(slug, keep=False, take=True)
        if package is not None and upload.is_current(package, bundle):
            return PublishOutcome(self.label, "unchanged", self._page(slug))
        if snapshot:  # writing needs the portal as it is now, not as the comparison saw it
            package = self.show(slug)
        desired = to_ckan(bundle.descriptor)
        desired["owner_org"] = bundle.dataset.owner_org
        desired["groups"] = groups(bundle.descriptor)
        owners.ensure_groups(self.call, desired["groups"], slug)
        if package is None:
            owners.ensure_organization(self.call, bundle, create=self.create_organizations)
            package = self.call("package_create", slug, **desired)
        uploader = upload.Uploader(self.call, self._download)
        removed = uploader.publish(package, bundle, desired)
        if uploader.published and self._has_datastore():
            datastore.push(self.call, uploader.published, bundle)
        return PublishOutcome(self.label, "published", self._page(slug), removed)

    def _has_datastore(self) -> bool:
        """Whether the portal runs the DataStore (asked once per target)."""
        if self._datastore is None:
            status = self.call("status_show")
            self._datastore = "datastore" in (status.get("extensions") or [])
        return self._datastore

    def _download(self, url: str, file: str, slug: str, sink: Callable[[bytes], Any]) -> None:
        """Stream what the portal serves at `url` into `sink` (see `client.ActionClient.download`);
        any failure is a `TransientError`."""
        self._client.download(url, file, slug, sink)

    def _page(self, slug: str) -> str:
        return f"{self.url}/dataset/{slug}"

    def finish(self) -> None:
        """Close the HTTP session."""
        self._client.close()
