"""Approval: a new version that needs a person's decision is held instead of published.

A valid dataset is held when the comparison with the last publication finds a change beyond its
threshold (a `plausibility` entry with `exceeds`), or when it would be published for the first
time and dataset.yaml (`approval: {first_publication: true}`) or the installation
(KENNZAHLEN_APPROVE_FIRST_PUBLICATION=1) asks for that. The held version is kept, byte for byte,
under `<out>/held/<slug>/`:

    bundle/          the files that would have been published (datapackage.json, CSV, JSON)
    record.json      content hash, reasons, when, run, targets, every file with its sha256
    report.html      the dataset's report of the holding run (and report.json)
    decisions.json   every decision on the dataset: content hash, approved|rejected, by, at, comment

A decision belongs to a content hash: the next run publishes an approved hash, keeps a rejected
one back without asking again, and asks again only when the data change.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flows.errors import ConfigError, PipelineError
from flows.model.bundle import Bundle, BundleFile, Target, content_hash, file_sha256
from flows.model.results import DatasetResult
from flows.run import record as publication_record
from flows.specs.datasets import DatasetSpec
from flows.stages.report_text import format_change, format_value

FILE_FIELDS = ("name", "format", "mediatype", "sha256", "bytes", "title", "description")


class HeldVersionError(ConfigError):
    """No held version to decide on, or its files no longer match what was held."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def current_user() -> str:
    """Who decides when `--by` is not given: the operating-system user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unbekannt"


class ApprovalStore:
    """The held versions and decisions under one folder (see module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, slug: str) -> Path:
        return self.root / slug

    def record(self, slug: str) -> dict[str, Any] | None:
        return _read(self.folder(slug) / "record.json")

    def decisions(self, slug: str) -> list[dict[str, Any]]:
        return _read(self.folder(slug) / "decisions.json") or []

    def decision_for(self, slug: str, digest: str) -> dict[str, Any] | None:
        """The latest decision on exactly this content, if any."""
        matching = [d for d in self.decisions(slug) if d["content_hash"] == digest]
        return matching[-1] if matching else None

    def held_record(self, slug: str) -> dict[str, Any]:
        """The record of the version of `slug` that waits for a decision.

        Raises:
            HeldVersionError: nothing of `slug` is held.
        """
        record = self.record(slug)
        if not record or record.get("status") != "held":
            raise HeldVersionError(
                f"Vom Datensatz '{slug}' wird keine Version zurückgehalten; 'kennzahlen review' "
                "zeigt, was auf eine Entscheidung wartet.", dataset=slug)
        return record

    def held(self) -> list[dict[str, Any]]:
        """Records of every dataset whose held version still waits for a decision."""
        if not self.root.is_dir():
            return []
        records = [self.record(p.name) for p in sorted(self.root.iterdir()) if p.is_dir()]
        return [r for r in records if r and r.get("status") == "held"]

    def hold(self, bundle: Bundle, result: DatasetResult, reasons: list[str], run_id: str,
             targets: list[str]) -> dict[str, Any]:
        """Keep `bundle` as the held version of its dataset; returns the result's `approval`."""
        slug = bundle.dataset.name
        folder = self.folder(slug)
        staging = folder / ".bundle.tmp"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        shutil.copy2(bundle.directory / "datapackage.json", staging / "datapackage.json")
        for item in bundle.files:
            shutil.copy2(item.path, staging / item.path.name)
        shutil.rmtree(folder / "bundle", ignore_errors=True)
        os.rename(staging, folder / "bundle")
        record = {
            "dataset": slug, "title": result.title, "status": "held",
            "content_hash": bundle.content_hash, "reasons": reasons, "held_at": now(),
            "run_id": run_id, "targets": targets, "owner_org": bundle.dataset.owner_org,
            "organization_title": bundle.dataset.organization_title, "quality": bundle.quality,
            "report": str(folder / "report.html"),
            "files": [{**{k: getattr(f, k) for k in FILE_FIELDS}, "path": f.path.name}
                      for f in bundle.files],
        }
        _write(folder / "record.json", record)
        return {"reasons": reasons, "content_hash": bundle.content_hash, "folder": str(folder),
                "decision": None}

    def attach_report(self, slug: str, reports: Path) -> None:
        """Copy the run's report of a held dataset next to its held version."""
        for suffix in ("html", "json"):
            source = reports / f"{slug}.{suffix}"
            if source.is_file():
                shutil.copy2(source, self.folder(slug) / f"report.{suffix}")

    def decide(self, slug: str, decision: str, by: str, comment: str) -> dict[str, Any]:
        """Record `approved` or `rejected` for the held version of `slug`.

        Raises:
            HeldVersionError: nothing of `slug` is held.
        """
        record = self.held_record(slug)
        entry = {"content_hash": record["content_hash"], "decision": decision, "by": by,
                 "at": now(), "comment": comment, "run_id": record.get("run_id")}
        _write(self.folder(slug) / "decisions.json", [*self.decisions(slug), entry])
        _write(self.folder(slug) / "record.json", {**record, "status": decision, "decision": entry})
        # the store lives in <out>/held: the publication record beside it keeps every decision
        publication_record.append(self.root.parent,
                                  [publication_record.decision_entry(slug, entry)])
        return entry

    def held_bundle(self, slug: str, spec: DatasetSpec) -> Bundle:
        """The held version as a bundle, after checking every byte against the record.

        Raises:
            HeldVersionError: nothing is held, or a held file was changed or removed.
        """
        record = self.held_record(slug)
        directory = self.folder(slug) / "bundle"
        spec = dataclasses.replace(spec, owner_org=record["owner_org"],
                                   organization_title=record["organization_title"])
        try:
            descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
            files = tuple(BundleFile(path=directory / f["path"], **{k: f[k] for k in FILE_FIELDS})
                          for f in record["files"])
            intact = all(file_sha256(f.path) == f.sha256 for f in files)
        except (OSError, ValueError):
            intact = False
        if not intact or content_hash(spec, descriptor, files) != record["content_hash"]:
            raise HeldVersionError(
                f"Die zurückgehaltene Version von '{slug}' in {directory} wurde verändert oder ist "
                "unvollständig und wird nicht veröffentlicht. Den nächsten Lauf abwarten: er "
                "hält die Daten erneut zurück.", dataset=slug)
        return Bundle(spec, directory, descriptor, files, record["content_hash"],
                      quality=record.get("quality"))


@dataclass(frozen=True)
class Gate:
    """Decides, per valid dataset of a run, whether it is published, held or stays rejected."""

    store: ApprovalStore
    first_publication: bool
    """The installation's default for approving first publications."""
    run_id: str
    targets: list[str]
    """The run's target specs: where `kennzahlen approve` publishes the held version."""

    def check(self, result: DatasetResult, bundle: Bundle, targets: list[Target]) -> str:
        """`publish`, `held` or `rejected`; sets the result's status and `approval` for the last
        two. Holding writes the held version into the store."""
        slug = result.name
        decided = self.store.decision_for(slug, bundle.content_hash)
        if decided and decided["decision"] == "approved":
            return "publish"
        if decided:
            result.status = "rejected"
            result.approval = {"reasons": [], "content_hash": bundle.content_hash,
                               "folder": str(self.store.folder(slug)), "decision": decided}
            return "rejected"
        reasons = plausibility_reasons(result)
        if _first_publication_rule(bundle.dataset, self.first_publication):
            current = [_current_hash(t, slug) for t in targets]
            if not any(current):
                reasons.append("Erstveröffentlichung – der Datensatz ist noch in keinem Ziel "
                               "veröffentlicht")
        if not reasons or (targets and all(_current_hash(t, slug) == bundle.content_hash
                                           for t in targets)):
            return "publish"
        result.approval = self.store.hold(bundle, result, reasons, self.run_id, self.targets)
        result.status = "held"
        return "held"


def plausibility_reasons(result: DatasetResult) -> list[str]:
    """One German line per figure whose change exceeds its threshold."""
    reasons = []
    for entry in result.plausibility:
        if not entry.get("exceeds"):
            continue
        change, threshold = entry.get("change_percent"), entry.get("threshold")
        text = (f"{entry.get('label', entry.get('kind', ''))}: {format_value(entry.get('old'))} → "
                f"{format_value(entry.get('new'))}")
        if change is not None:
            text += f" ({format_change(change)}"
            text += f", erlaubt ± {format_value(threshold)} %)" if threshold is not None else ")"
        reasons.append(text)
    return reasons


def _first_publication_rule(spec: DatasetSpec, default: bool) -> bool:
    declared = spec.approval.get("first_publication")
    return default if declared is None else bool(declared)


def _current_hash(target: Target, slug: str) -> str | None:
    """What the target shows now; None if unknown (a target that cannot tell, or is down)."""
    read = getattr(target, "current_hash", None)
    if read is None:
        return None
    try:
        return read(slug)
    except PipelineError:
        return None


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
