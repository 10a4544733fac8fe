"""The embedded default target: a static catalog folder that needs no server.

Layout: `<root>/<slug>/{datapackage.json, <resource>.csv, <resource>.json, <resource>.xlsx,
index.html, dataset.ttl, dataset.rdf}` per dataset, and at the root `index.html` listing them,
`catalog.json` (the search index), `feed.xml` (Atom: new and changed datasets) and `catalog.ttl`
and `catalog.rdf`: one DCAT-AP.de `dcat:Catalog` with every dataset, so the folder can be hosted
as a harvestable endpoint (URIs from `base_url` in datapackages/catalog.yaml). Addresses are
stable: the newest version of a file is always at the same address. The published
datapackage.json carries the version and change history (see history.py).
A dataset folder is replaced atomically: the new version is written to a temporary folder
beside it and swapped in by rename, so a failed run never leaves a half-written dataset and
the last good version stays. An unchanged bundle causes no write.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, TypeVar

from flows.adapters.local import catalog_rdf, history
from flows.adapters.local.catalog_rdf import read_json, write_if_changed
from flows.adapters.local.comparison_page import COMPARISON_FILE
from flows.adapters.local.comparison_setup import ComparisonSetup, setup_digest, write_for_dataset
from flows.adapters.local.dataset_page import citation, render_dataset
from flows.adapters.local.digest import digest
from flows.adapters.local.excel import TooLargeForExcelError, write_xlsx
from flows.adapters.local.index_page import render_index, search_index
from flows.metadata.descriptor import CatalogInfo
from flows.metadata.serialise import FORMATS, serialise
from flows.model.bundle import Bundle, PublishOutcome, file_sha256
from flows.model.tables import read_table
from flows.specs.datasets import ResourceSpec
from flows.specs.members import Association, Member

T = TypeVar("T")

MARKER = ".kennzahlen.json"

class LocalCatalog:
    """Publishes bundles into a folder (see module docstring)."""

    def __init__(self, root: Path, catalog: CatalogInfo | None = None,
                 members: dict[str, Member] | None = None,
                 association: Association | None = None,
                 comparison: ComparisonSetup | None = None) -> None:
        self.root = root
        self.catalog = catalog
        """Catalog metadata for the RDF files; without it no RDF is written."""
        self.members = dict(members or {})
        """The members of an association (catalog.yaml): one catalog each, and the filter."""
        self.association = association
        self.comparison = comparison
        """Members and population: a combined table of several members gets a comparison page
        (comparison_setup.py); without it none is written."""
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
            if bundle.dataset.parts:  # a combined table of several members
                self._refresh_comparison(dest, bundle.descriptor)
            return PublishOutcome(self.label, "unchanged", str(dest))
        self.root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".tmp-{slug}-", dir=self.root))
        try:
            staging.chmod(0o755)  # mkdtemp makes it private; the catalog is meant to be served
            for item in bundle.files:
                _place(item.path, staging / item.path.name)
            when = datetime.now(UTC).isoformat(timespec="seconds")
            descriptor = self._versioned(bundle, dest, staging, when)
            (staging / "datapackage.json").write_text(
                json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            downloads = write_downloads(staging, descriptor)
            marker = {
                "content_hash": bundle.content_hash,
                "published_at": when,
                "files": {**{item.path.name: item.sha256 for item in bundle.files},
                          **{path.name: file_sha256(path) for path in downloads}},
                "metadata_quality": bundle.quality,
                "documents": {item.path.name: item.title for item in bundle.files
                              if item.format in ("HTML", "PDF")},  # e.g. a progress report
            }
            if bundle.dataset.member:
                marker["member"] = bundle.dataset.member
            if bundle.dataset.parts and self.comparison is not None and write_for_dataset(
                    staging, descriptor, self.comparison, self._site()) is not None:
                marker["comparison"] = COMPARISON_FILE
                marker["comparison_inputs"] = setup_digest(self.comparison)
            if self.catalog is not None:
                graph = dataclasses.replace(bundle, descriptor=descriptor).graph(self.catalog,
                                                                                 when)
                for suffix in FORMATS:
                    (staging / f"dataset.{suffix}").write_text(serialise(graph, suffix),
                                                               encoding="utf-8")
            (staging / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
            (staging / "index.html").write_text(self._page(slug, descriptor, marker, staging),
                                                encoding="utf-8")
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

    def _versioned(self, bundle: Bundle, dest: Path, staging: Path, when: str) -> dict[str, Any]:
        """The descriptor with its version and change note (see history.record)."""
        package = dest / "datapackage.json"
        previous = json.loads(package.read_text(encoding="utf-8")) if package.is_file() else None
        published = _read_marker(dest).get("files") or {}
        data_changed = any(published.get(item.path.name) != item.sha256 for item in bundle.files)
        return history.record(previous, dest if previous else None, bundle.descriptor, staging,
                              data_changed, when)

    def _refresh_comparison(self, dest: Path, descriptor: dict[str, Any]) -> None:
        """Redraw the comparison page of unchanged data when the members or inhabitants it is
        drawn from changed (the dataset's version stays: its data and description did not)."""
        marker = _read_marker(dest)
        wanted = setup_digest(self.comparison) if self.comparison is not None else None
        if marker.get("comparison_inputs") == wanted:
            return
        (dest / COMPARISON_FILE).unlink(missing_ok=True)
        marker.pop("comparison", None)
        marker.pop("comparison_inputs", None)
        if self.comparison is not None and write_for_dataset(
                dest, descriptor, self.comparison, self._site()) is not None:
            marker.update(comparison=COMPARISON_FILE, comparison_inputs=wanted)
        write_if_changed(dest / MARKER, json.dumps(marker, indent=2) + "\n")

    def _site(self) -> dict[str, Any]:
        return self.catalog.site if self.catalog is not None else {}

    def _page(self, slug: str, descriptor: dict[str, Any], marker: dict[str, Any],
              folder: Path) -> str:
        block = descriptor.get("dcat") or {}
        span = block.get("temporal") or {}
        period = block.get("temporal_field") if span.get("start") != span.get("end") else None
        digests = {r["name"]: digest(folder / r["path"], r.get("schema") or {}, period)
                   for r in descriptor.get("resources", []) if (folder / r["path"]).is_file()}
        return render_dataset(slug, descriptor, marker, digests=digests,
                              files={p.name for p in folder.iterdir()}, site=self._site(),
                              base_url=self.catalog.base_url if self.catalog else "",
                              belongs=self._belongs(marker.get("member")))

    def _belongs(self, member: str | None) -> str:
        """Whom a dataset belongs to, for its page: its member or the association ('' for a
        project without members)."""
        if member:
            named = self.members.get(member)
            return f"{named.name if named else member}, Mitglied im " + (
                self.association.name if self.association else "Verbund")
        if self.members:
            return "gemeinsamer Datensatz aller Mitglieder" + (
                f" im {self.association.name}" if self.association else "")
        return ""

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
        title = self.catalog.title if self.catalog else ""
        names = {key: member.name for key, member in self.members.items()}
        write_if_changed(self.root / "index.html", render_index(
            entries, site=self._site(), title=title,
            description=self.catalog.description if self.catalog else "", members=names,
            association=self.association.name if self.association else ""))
        write_if_changed(self.root / "catalog.json", json.dumps(
            search_index(entries, names), ensure_ascii=False, indent=2) + "\n")
        write_if_changed(self.root / "feed.xml", history.atom_feed(
            [(slug, d) for slug, d, _ in entries], title or "Offene Daten",
            self.catalog.base_url if self.catalog else ""))
        if self.catalog is not None:
            catalog_rdf.write(self.root, catalog_rdf.plan(
                self.catalog, self.members,
                {slug: (m.get("member"), m.get("published_at", "")) for slug, _, m in entries}))


def write_downloads(folder: Path, descriptor: dict[str, Any]) -> list[Path]:
    """The Excel file of every table beside its CSV (a table too long for Excel gets none)."""
    written = []
    for resource in descriptor.get("resources", []):
        source = folder / resource["path"]
        target = source.with_suffix(".xlsx")
        try:
            write_xlsx(source, target, resource, citation(descriptor))
        except TooLargeForExcelError:
            target.unlink(missing_ok=True)
            continue
        written.append(target)
    return written


def _place(source: Path, target: Path) -> None:
    """Put a bundle file into the staging folder: a hard link where both are on one file system
    (a bundle's files are never written again once built, and each run builds them in a fresh
    work folder; copying the 2 GB of a 10M-row table took a sixth of its publication), else a
    copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _read_marker(folder: Path) -> dict[str, Any]:
    return read_json(folder / MARKER)
