"""The embedded default target: a static catalog folder that needs no server.

Layout: `<root>/<slug>/{datapackage.json, <resource>.csv, <resource>.json}` per dataset and
`<root>/index.html` listing them. A dataset folder is replaced atomically: the new version is
written to a temporary folder beside it and swapped in by rename, so a failed run never leaves a
half-written dataset and the last good version stays. An unchanged bundle causes no write.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.adapters.catalog_html import render_dataset, render_index
from flows.stages.publish import Bundle, PublishOutcome

MARKER = ".kennzahlen.json"


class LocalCatalog:
    """Publishes bundles into a folder (see module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.label = f"local:{root}"

    def publish(self, bundle: Bundle) -> PublishOutcome:
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
            }
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

    def _recover(self, slug: str) -> None:
        """Undo a swap that a crash interrupted between its two renames."""
        dest, old = self.root / slug, self.root / f".old-{slug}"
        if old.exists() and not dest.exists():
            os.rename(old, dest)
        elif old.exists():
            shutil.rmtree(old, ignore_errors=True)

    def finish(self) -> None:
        if not self.root.is_dir():
            return
        entries = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name[0] != "."):
            package = folder / "datapackage.json"
            if package.is_file():
                descriptor = json.loads(package.read_text(encoding="utf-8"))
                entries.append((folder.name, descriptor, _read_marker(folder)))
        page = render_index(entries)
        index = self.root / "index.html"
        if index.is_file() and index.read_text(encoding="utf-8") == page:
            return
        tmp = index.with_name(".index.html.tmp")
        tmp.write_text(page, encoding="utf-8")
        os.replace(tmp, index)


def _read_marker(folder: Path) -> dict[str, Any]:
    try:
        return json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
