"""Stage-then-switch upload of a bundle's files into an existing CKAN dataset.

Stage: changed files are uploaded as extra resources under staged names, marked as staged, and
verified (sha256 of what the portal serves); meanwhile the portal still shows the previous
complete version. Switch: one `package_patch` replaces the old resources by the staged ones and
writes the content hash last, so readers see either the old or the new version and an
interrupted publish is finished by the next run. Staged uploads left by an interrupted run are
reused if they match, else removed; duplicates (from a create that timed out but went through)
are removed too. Only resources this pipeline created (`MANAGED`) are ever deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flows.adapters.ckan.mapping import (
    CHECKSUM,
    HASH_EXTRA,
    extra,
    extras_to_ckan,
    merge_extras,
    resource_fields,
)
from flows.errors import TransientError
from flows.model.bundle import Bundle, BundleFile

Resource = dict[str, Any]
ActionCall = Callable[..., Any]
"""`call(action, dataset, files=None, **data)`, as `CkanTarget.call`."""
Download = Callable[[str, str, str, Callable[[bytes], Any]], None]
"""`download(url, file, dataset, sink)`, as `CkanTarget._download`."""

MANAGED = "kennzahlen_managed"
"""Resource field marking resources this pipeline created (only those are ever deleted)."""
STAGED = "kennzahlen_staged"
"""Resource field marking an uploaded new version that is not switched in yet."""
STAGED_SUFFIX = " (neue Version, in Vorbereitung)"
FILE = "kennzahlen_file"
"""Resource field with the bundle file's name, by which a resource is matched: its `name` is the
declared title (ckanext-dcat's dct:title). Resources from before it are matched by `name`."""


def file_key(resource: Resource) -> str:
    """The bundle file a resource holds (see FILE)."""
    return str(resource.get(FILE) or resource.get("name", "")).removesuffix(STAGED_SUFFIX)


def is_current(package: dict[str, Any], bundle: Bundle) -> bool:
    """True when the portal already shows exactly this bundle (checked from one package_show).

    Args:
        package: The dataset as `package_show` returns it.
        bundle: What should be published.

    Returns:
        Whether nothing needs to be written: active, same content hash and organization, each
        file's resource with the same sha256, no duplicates and no staged leftovers.
    """
    if package.get("state") != "active" or extra(package, HASH_EXTRA) != bundle.content_hash:
        return False
    if package.get("owner_org") and package.get("organization", {}).get("name") not in (
            None, bundle.dataset.owner_org):
        return False
    resources = package.get("resources", [])
    managed = [file_key(r) for r in resources if r.get(MANAGED) == "true"]
    if len(managed) != len(set(managed)) or any(r.get(STAGED) == "true" for r in resources):
        return False  # a late create or an interrupted switch left something to clean up
    hashes = {file_key(r): r.get(CHECKSUM) for r in resources}
    return all(hashes.get(item.name) == item.sha256 for item in bundle.files)


def live_resource(package: dict[str, Any], name: str) -> Resource | None:
    """The switched-in resource named `name` that this pipeline manages, or None.

    Args:
        package: The dataset as `package_show` returns it.
        name: The resource name (the file's name in the bundle).
    """
    return next((r for r in package.get("resources", []) if file_key(r) == name
                 and r.get(MANAGED) == "true" and r.get(STAGED) != "true"), None)


class Uploader:
    """Stages, verifies and switches a bundle's files through the target's calls.

    Args:
        call: One CKAN action call (`CkanTarget.call`).
        download: Streams a portal URL into a sink (`CkanTarget._download`).
    """

    def __init__(self, call: ActionCall, download: Download) -> None:
        self._call = call
        self._download = download
        self.published: dict[str, Any] | None = None
        """The dataset as `package_patch` returned it after the switch."""

    def __repr__(self) -> str:
        return "Uploader()"

    def publish(self, package: dict[str, Any], bundle: Bundle, desired: dict[str, Any]) -> int:
        """Make the existing dataset `package` show `bundle` (one pass, both phases).

        Args:
            package: The dataset as the portal shows it now.
            bundle: What should be published.
            desired: The dataset's fields for `package_patch` (mapped metadata, owner_org,
                groups).

        Returns:
            How many leftovers (staged or duplicate resources) were removed.

        Raises:
            TransientError: an upload does not match what the portal serves (the staged
                resource is removed first), or the portal failed transiently.
            TerminalError: the portal refused a call.
        """
        slug = bundle.dataset.name
        hashes = {item.name: item.sha256 for item in bundle.files}
        live, staged, others, removed = self._sort(package, hashes, slug)
        resources = []
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for item in bundle.files:
            current = live.get(item.name)
            if current is not None and current.get(CHECKSUM) == item.sha256:
                resources.append({**current, **self._described(bundle, item, current)})
                continue
            new = staged.get(item.name) or self._stage(package["id"], item, slug)
            self._verify(new.get("url", ""), item, slug, new["id"])
            resources.append({**new, **self._described(bundle, item, new), STAGED: "false",
                              "modified": now})
        extras = merge_extras(package.get("extras") or [], {
            **extras_to_ckan(bundle.descriptor), "modified": now,
            HASH_EXTRA: bundle.content_hash})
        self.published = self._call("package_patch", slug, id=package["id"], state="active",
                                    extras=extras, resources=resources + others, **desired)
        return removed

    @staticmethod
    def _described(bundle: Bundle, item: BundleFile, resource: Resource) -> Resource:
        """The resource's metadata: the file's DCAT fields, its download URL the portal's."""
        return {**resource_fields(bundle.descriptor, item.distribution(), resource.get("url", "")),
                FILE: item.name}

    def _sort(self, package: dict[str, Any], hashes: dict[str, str], slug: str
              ) -> tuple[dict[str, Resource], dict[str, Resource], list[Resource], int]:
        """Split the resources into live (managed), reusable staged and others (not ours);
        remove staged ones that do not match and duplicates. Returns also how many were
        removed."""
        live: dict[str, Resource] = {}
        staged: dict[str, Resource] = {}
        others: list[Resource] = []
        removed = 0
        for resource in package.get("resources", []):
            name = file_key(resource)
            if resource.get(STAGED) == "true":
                final = name
                if hashes.get(final) == resource.get(CHECKSUM) and final not in staged:
                    staged[final] = resource
                else:
                    self._call("resource_delete", slug, id=resource["id"])
                    removed += 1
            elif resource.get(MANAGED) == "true":
                if name in live:  # a duplicate, e.g. from a create that timed out
                    self._call("resource_delete", slug, id=resource["id"])
                    removed += 1
                else:
                    live[name] = resource
            else:
                others.append(resource)
        return live, staged, others, removed

    def _stage(self, package_id: str, item: BundleFile, slug: str) -> Resource:
        """Upload one file as a staged resource (the switch renames it)."""
        fields = {
            "name": item.title + STAGED_SUFFIX, "description": item.description,
            "format": item.format, CHECKSUM: item.sha256, MANAGED: "true", STAGED: "true",
            FILE: item.name,
        }
        with item.path.open("rb") as handle:
            return self._call("resource_create", slug, files={"upload": handle},
                              package_id=package_id, **fields)

    def _verify(self, url: str, item: BundleFile, slug: str, resource_id: str) -> None:
        """Download what the portal serves and compare its sha256; a mismatch drops the staged
        resource, so the next pass uploads the file again."""
        try:
            self._download_matches(url, item, slug)
        except TransientError:
            self._call("resource_delete", slug, id=resource_id)
            raise

    def _download_matches(self, url: str, item: BundleFile, slug: str) -> None:
        digest = hashlib.sha256()
        self._download(url, item.path.name, slug, digest.update)
        if digest.hexdigest() != item.sha256:
            raise TransientError(f"Die Datei {item.path.name} weicht im Portal von der "
                                 "hochgeladenen ab (sha256).", dataset=slug)
