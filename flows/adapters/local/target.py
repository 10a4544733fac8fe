"""The embedded default target: a static catalog folder that needs no server.

Layout: `<root>/<slug>/{datapackage.json, <resource>.csv, <resource>.json, index.html,
dataset.ttl, dataset.rdf}` per dataset, and at the root `index.html` listing them plus
`catalog.ttl` and `catalog.rdf`: one DCAT-AP.de `dcat:Catalog` with every dataset, so the folder
can be hosted as a harvestable endpoint (URIs from `base_url` in datapackages/catalog.yaml).
A dataset folder is replaced atomically: the new version is written to a temporary folder
beside it and swapped in by rename, so a failed run never leaves a half-written dataset and
the last good version stays. An unchanged bundle causes no write.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from flows.adapters.local.html import render_dataset, render_index
from flows.metadata.descriptor import CatalogInfo
from flows.model.bundle import Bundle, PublishOutcome
from flows.model.tables import read_table
from flows.specs.datasets import ResourceSpec

T = TypeVar("T")

RDF_FORMATS = {"ttl": "turtle", "rdf": "pretty-xml"}

MARKER = ".kennzahlen.json"


class LocalCatalog:
    """Publishes bundles into a folder (see module docstring)."""

    def __init__(self, root: Path, catalog: CatalogInfo | None = None) -> None:
        self.root = root
        self.catalog = catalog
        """Catalog metadata for the RDF files; without it no RDF is written."""
        self.label = f"local:{root}"

    def publish(self, bundle: Bundle) -> PublishOutcome:
        """Swap the bundle into `<root>/<slug>` atomically, unless it is published already.

        The folder gets the bundle's files, its RDF (with catalog metadata), an index page and
        a marker with the content hash; an equal hash there means nothing is written.

        Returns:
            `unchanged` (nothing written) or `published`, with the dataset folder.
        """
        slug = bundle.dataset.name
        dest = self.root / slug
        self._recover(slug)
        if _read_marker(dest).get("content_hash") == bundle.content_hash:
            return PublishOutcome(self.label, "unchanged", str(dest))
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{slug}-", dir=self.root))
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the catalog is meant to be served
            shutil.copy2(bundle.directory / "datapackage.json", staging / "datapackage.json")
            for item in bundle.files:
                shutil.copy2(item.path, staging / item.path.name)
            marker = {
                "content_hash": bundle.content_hash,
                "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "files": {item.path.name: item.sha256 for item in bundle.files},
                "metadata_quality": bundle.quality,
                "documents": {item.path.name: item.title for item in bundle.files
                              if item.format in ("HTML", "PDF")},  # e.g. a progress report
            }
            if self.catalog is not None:
                graph = bundle.graph(self.catalog, marker["published_at"])
                for suffix, fmt in RDF_FORMATS.items():
                    graph.serialize(staging / f"dataset.{suffix}", format=fmt, encoding="utf-8")
            (staging / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
            (staging / "index.html").write_text(
                render_dataset(slug, bundle.descriptor, marker), encoding="utf-8")
            old = self.root / f".old-{slug}"
            if dest.exists():
                os.rename(dest, old)
            os.rename(staging, dest)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            self._recover(slug)
            raise
        return PublishOutcome(self.label, "published", str(dest))

    def last_published(self, dataset: str, resource: ResourceSpec,
                       read: Callable[[IO[str]], T] = read_table) -> T | None:
        """The resource's CSV in the catalog folder, given to `read` (default: read into a
        `Table`), or None before the first publication. Reads only: during another run's swap
        the previous version is still in `.old-<slug>`."""
        name = Path(resource.path).name
        path = next((folder / name for folder in (self.root / dataset,
                                                  self.root / f".old-{dataset}")
                     if (folder / name).is_file()), None)
        if path is None:
            return None
        with path.open(encoding="utf-8", newline="") as handle:
            return read(handle)

    def current_hash(self, slug: str) -> str | None:
        """The content hash of the published version of `slug`, or None if there is none."""
        return _read_marker(self.root / slug).get("content_hash")

    def _recover(self, slug: str) -> None:
        """Undo a swap that a crash interrupted between its two renames."""
        dest, old = self.root / slug, self.root / f".old-{slug}"
        if old.exists() and not dest.exists():
            os.rename(old, dest)
        elif old.exists():
            shutil.rmtree(old, ignore_errors=True)

    def finish(self) -> None:
        """Rewrite the root `index.html` and `catalog.ttl`/`catalog.rdf` from the folders.

        The RDF is written only with catalog metadata; a file whose content is unchanged is
        left alone.
        """
        if not self.root.is_dir():
            return
        entries = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name[0] != "."):
            package = folder / "datapackage.json"
            if package.is_file():
                descriptor = json.loads(package.read_text(encoding="utf-8"))
                entries.append((folder.name, descriptor, _read_marker(folder)))
        _write_if_changed(self.root / "index.html", render_index(entries))
        if self.catalog is not None:
            self._write_catalog_rdf([name for name, _, _ in entries],
                                    max((m.get("published_at", "") for _, _, m in entries),
                                        default=""))

    def _write_catalog_rdf(self, slugs: list[str], modified: str) -> None:
        """`catalog.ttl` and `catalog.rdf`: the catalog with every published dataset's graph."""
        from rdflib import Graph

        from flows.metadata.dcat import catalog_graph

        graphs = []
        for slug in slugs:
            path = self.root / slug / "dataset.ttl"
            if path.is_file():
                graphs.append(Graph().parse(path, format="turtle"))
        assert self.catalog is not None
        graph = catalog_graph(self.catalog, graphs, modified or datetime.now(UTC).isoformat(
            timespec="seconds"))
        for suffix, fmt in RDF_FORMATS.items():
            _write_if_changed(self.root / f"catalog.{suffix}", graph.serialize(format=fmt))


def _write_if_changed(path: Path, text: str) -> None:
    """Replace `path` atomically, and only when its content differs (no write for no change)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _read_marker(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
