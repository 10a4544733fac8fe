"""The DCAT-AP.de catalog files of the local catalog.

At the root `catalog.ttl` and `catalog.rdf`: one `dcat:Catalog` with every published dataset
(for an association of municipalities, its joint catalog). When `datapackages/catalog.yaml`
declares members, each member gets its own catalog with its datasets under
`mitglieder/<id>/catalog.{ttl,rdf}` (title "Kennzahlen der <Mitglied>", the member as publisher),
so each town can register its own catalog with its state portal or GovData.

Writing is skipped when the inputs (each `dataset.ttl`, the catalogs' metadata and members, the
code that writes them) and every file are those of the last time (`CATALOG_STATE`): the RDF of
many datasets takes seconds to parse and write.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.metadata.descriptor import CatalogInfo
from flows.metadata.serialise import FORMATS, serialise
from flows.specs.members import MEMBERS_FOLDER, Member, member_catalog

CATALOG_STATE = ".catalog-state.json"
"""At the root: what the catalog files were last written from."""


@dataclass(frozen=True)
class CatalogFile:
    """One catalog to write: where (relative to the root), its metadata, its datasets."""

    folder: str
    """'' for the joint catalog at the root, `mitglieder/<id>` for a member's."""
    info: CatalogInfo
    slugs: tuple[str, ...]


def plan(catalog: CatalogInfo, members: dict[str, Member],
         member_of: dict[str, str | None]) -> list[CatalogFile]:
    """The joint catalog with every dataset of `member_of` (slug → member id or None) and one
    catalog per declared member with its datasets (a member without any gets an empty one, so
    its address is valid from the start)."""
    slugs = tuple(member_of)
    files = [CatalogFile("", catalog, slugs)]
    for key, member in members.items():
        files.append(CatalogFile(f"{MEMBERS_FOLDER}/{key}", member_catalog(catalog, member),
                                 tuple(s for s in slugs if member_of[s] == key)))
    return files


def write(root: Path, files: list[CatalogFile], modified: str) -> None:
    """Write every catalog of `files` below `root` as Turtle and RDF/XML (unchanged files are
    left alone), and remove the catalogs of members no longer declared. `modified`: when the
    newest dataset was published ('' before any: now)."""
    from rdflib import Graph

    from flows.metadata import dcat

    slugs = sorted({slug for item in files for slug in item.slugs})
    digest = hashlib.sha256(repr((files, modified)).encode())
    for path in [Path(__file__), Path(dcat.__file__),
                 *(root / slug / "dataset.ttl" for slug in slugs)]:
        digest.update(path.read_bytes() if path.is_file() else b"-")
    state = {"inputs": digest.hexdigest(), "files": _hashes(root, files)}
    state_file = root / CATALOG_STATE
    if read_json(state_file) == state:
        return
    stamp = modified or datetime.now(UTC).isoformat(timespec="seconds")
    graphs = {slug: Graph().parse(root / slug / "dataset.ttl", format="turtle")
              for slug in slugs if (root / slug / "dataset.ttl").is_file()}
    for item in files:
        folder = root / item.folder
        folder.mkdir(parents=True, exist_ok=True)
        graph = dcat.catalog_graph(item.info, [graphs[s] for s in item.slugs if s in graphs],
                                   stamp)
        for suffix in FORMATS:
            write_if_changed(folder / f"catalog.{suffix}", serialise(graph, suffix))
    _remove_former_members(root, files)
    state["files"] = _hashes(root, files)
    write_if_changed(state_file, json.dumps(state, indent=2) + "\n")


def _remove_former_members(root: Path, files: list[CatalogFile]) -> None:
    kept = {item.folder for item in files}
    parent = root / MEMBERS_FOLDER
    if parent.is_dir():
        for folder in parent.iterdir():
            if f"{MEMBERS_FOLDER}/{folder.name}" not in kept:
                shutil.rmtree(folder, ignore_errors=True)


def _hashes(root: Path, files: list[CatalogFile]) -> dict[str, str | None]:
    return {f"{item.folder}/catalog.{suffix}".lstrip("/"):
            _sha256_of(root / item.folder / f"catalog.{suffix}")
            for item in files for suffix in FORMATS}


def _sha256_of(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def write_if_changed(path: Path, text: str) -> None:
    """Replace `path` atomically, and only when its content differs (no write for no change)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> dict[str, Any]:
    """The JSON object in `path` ({} when it is missing, unreadable or no object)."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
