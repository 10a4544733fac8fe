"""The bundle: the files and descriptor of one dataset version, and the `Target` protocol that
every place of publication (local catalog, CKAN) implements."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol

from rdflib import Graph

from flows.metadata import dcat
from flows.metadata.descriptor import CatalogInfo
from flows.specs.datasets import DatasetSpec, ResourceSpec

CHUNK = 1 << 20


@dataclass(frozen=True)
class BundleFile:
    """One published file (a CKAN resource / a download)."""

    name: str
    """Resource name on the portal, unique within the dataset."""
    path: Path
    format: str
    mediatype: str
    sha256: str
    bytes: int
    title: str
    description: str

    def distribution(self) -> dcat.Distribution:
        """The file as a DCAT distribution (what the RDF and the CKAN resource say of it)."""
        return dcat.Distribution(self.path.name, self.title, self.description,
                                 self.format.lower(), self.mediatype, self.bytes)


@dataclass(frozen=True)
class Bundle:
    """The files and public descriptor of one dataset version, and its content hash."""

    dataset: DatasetSpec
    directory: Path
    descriptor: dict[str, Any]
    files: tuple[BundleFile, ...]
    content_hash: str
    quality: dict[str, Any] | None = None
    """MQA score of the metadata (set by the describe stage; not part of the content hash)."""

    def graph(self, catalog: CatalogInfo, modified: str | None = None) -> Graph:
        """The DCAT-AP.de graph of this version (`modified`: when published; default now)."""
        stamp = modified or datetime.now(UTC).isoformat(timespec="seconds")
        files = [item.distribution() for item in self.files]
        return dcat.dataset_graph(self.descriptor, catalog, stamp, files)


@dataclass(frozen=True)
class PublishOutcome:
    target: str
    status: str
    """`published` or `unchanged`."""
    location: str = ""
    removed_leftovers: int = 0
    """Uploads an interrupted earlier run left behind, found and removed by this one."""


class Target(Protocol):
    """Where bundles go: the local catalog folder or a CKAN portal."""

    label: str

    def publish(self, bundle: Bundle) -> PublishOutcome: ...

    def last_published(self, dataset: str, resource: ResourceSpec,
                       read: Callable[[IO[str]], Any] = ...) -> Any:
        """The resource's CSV as the target serves it now, given to `read` (default
        `read_table`: a `Table`), or None if it was never published.

        Raises:
            PipelineError: the target cannot be read (transient or terminal).
        """

    def current_hash(self, slug: str) -> str | None:
        """The content hash of the version the target shows now, or None if there is none.

        Raises:
            PipelineError: the target cannot be read (transient or terminal).
        """

    def finish(self) -> None:
        """Called once after all datasets of a run (e.g. to write an index page)."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def content_hash(spec: DatasetSpec, descriptor: dict[str, Any],
                 files: list[BundleFile] | tuple[BundleFile, ...]) -> str:
    """The hash that identifies a published version: descriptor, organisation (and member),
    file hashes.

    Args:
        spec: the dataset (its organisation is part of what is published to CKAN).
        descriptor: the public descriptor as written to `datapackage.json`.
        files: the data files with their sha256.

    Returns:
        The sha256 hex digest.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps(descriptor, sort_keys=True, ensure_ascii=False).encode())
    digest.update(f"{spec.owner_org}\n{spec.organization_title}".encode())
    if spec.member:  # only then, so that a project without members keeps its hashes
        digest.update(f"\nmember:{spec.member}".encode())
    for item in files:
        digest.update(f"{item.name}:{item.sha256}\n".encode())
    return digest.hexdigest()
