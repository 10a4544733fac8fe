"""The progress report of a measures plan, attached to the plan's bundle before it is published.

Runs inside the per-dataset sequence after the comparison with the last publication (under the
dataset's lock, before the approval gate) for a dataset with a `progress.yaml`:

1. The plan as bundled now and as the first target that has it serves it (the way plausibility
   reads it), plus each linked key figure's last publication.
2. Staff review: a status that went back or a measure that vanished, compared with that last
   publication, becomes a plausibility entry beyond its threshold (the gate holds the version).
3. The report (HTML, and a PDF printed from it by headless Chromium) becomes two more files of
   the bundle, so every target publishes them as resources of the measures dataset.

A report is made again only when its inputs change: the plan, the plan it is compared with, a
linked figure or the declaration. The last one made is kept in `<out>/progress/<slug>/`
with the plan it compared against, so an unchanged plan keeps its report byte for byte (the PDF
carries a creation time) and a changed figure keeps the plan's "since the last report" section.
Without that folder (a fresh machine) an unchanged plan is compared with itself.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import os
import shutil
from pathlib import Path

from flows import problems
from flows.adapters.chromium import PdfUnavailableError, print_pdf
from flows.adapters.local.progress_html import render_progress
from flows.errors import PipelineError
from flows.model.bundle import Bundle, BundleFile, Target, content_hash, file_sha256
from flows.model.progress import FigureValue, ProgressReport
from flows.model.tables import Table, read_table
from flows.run.prepare import Prepared, problem_from
from flows.specs import catalog
from flows.specs.datasets import ResourceSpec
from flows.specs.progress import PROGRESS_FILE, KeyFigureSpec, ProgressSpec, load_progress
from flows.stages.progress import build, review
from flows.stages.progress_figures import key_figure

GENERATOR = "1"
"""Raise when the report's layout changes, so kept reports are made again."""
HTML, PDF = "fortschrittsbericht.html", "fortschrittsbericht.pdf"
STATE, BASIS = "state.json", "basis.csv"


def attach(prepared: Prepared, targets: list[Target]) -> None:
    """Review the plan's changes and add the report's files to the bundle (see module
    docstring); a broken declaration is an error of the dataset, a missing PDF a warning."""
    spec, bundle, result = prepared.spec, prepared.bundle, prepared.result
    if spec is None or bundle is None or any(f.path.name == HTML for f in bundle.files):
        return  # nothing bundled, or a held version that brings its own report
    try:
        declared = load_progress(spec.folder, spec.name, {r.name: r.schema
                                                          for r in spec.resources})
    except PipelineError as exc:
        result.problems.append(problem_from(exc, spec.name))
        return
    if declared is None:
        return
    try:
        _attach(prepared, declared, targets)
    except OSError as exc:  # a full disk or a folder without rights: publish the plan without it
        result.problems.append(problems.make(
            "progress-report-incomplete", f"Fortschrittsbericht von '{spec.name}' nicht erstellt: "
            f"{type(exc).__name__} ({exc.strerror or 'Dateifehler'}).", severity="warning",
            dataset=spec.name))


def _attach(prepared: Prepared, declared: ProgressSpec, targets: list[Target]) -> None:
    spec, bundle, result = prepared.spec, prepared.bundle, prepared.result
    assert spec is not None and bundle is not None
    resource = next(r for r in spec.resources if r.name == declared.resource)
    plan_path = bundle.directory / resource.path
    with plan_path.open(encoding="utf-8", newline="") as handle:
        plan = read_table(handle)
    published = _first_published(targets, spec.name, resource, prepared)
    checked = review(build(declared, plan, published, spec.title), resource.name)
    result.plausibility.extend(checked.entries)
    result.problems.extend(checked.problems)
    folder = _kept(spec.folder.parent.parent) / spec.name
    basis = _basis(folder, file_sha256(plan_path), published)
    figures = [_figure(item, spec.folder.parent.parent, targets, prepared)
               for item in declared.key_figures]
    report = build(declared, plan, basis, spec.title, figures)
    key = _key(declared, spec.folder, plan_path, basis, figures)
    made = _files(folder, key, report, plan_path, basis, prepared)
    prepared.bundle = _with_files(bundle, declared, made)


def _first_published(targets: list[Target], slug: str, resource: ResourceSpec,
                     prepared: Prepared) -> Table | None:
    for target in targets:
        try:
            found = target.last_published(slug, resource, read=read_table)
        except PipelineError as exc:
            prepared.result.problems.append(problems.make(
                "plausibility-unavailable", f"Fortschrittsbericht: die letzte Veröffentlichung "
                f"in {target.label} ist nicht abrufbar: {exc.message}", severity="warning",
                dataset=slug, resource=resource.name))
            continue
        if found is not None:
            return found
    return None


def _figure(spec: KeyFigureSpec, project: Path, targets: list[Target],
            prepared: Prepared) -> FigureValue:
    """A linked key figure from the first target that publishes its dataset."""
    try:
        linked = catalog.load(project, spec.dataset)
        resource = next(r for r in linked.resources if r.name == spec.resource)
    except (PipelineError, StopIteration):
        prepared.result.problems.append(problems.make(
            "progress-report-incomplete", f"{PROGRESS_FILE}: die Kennzahl „{spec.title}“ "
            f"(Datensatz '{spec.dataset}', Ressource '{spec.resource}') ist nicht lesbar; sie "
            "fehlt im Fortschrittsbericht.", severity="warning", dataset=prepared.result.name,
            file=f"datapackages/{prepared.result.name}/{PROGRESS_FILE}"))
        return key_figure(spec, None, spec.dataset)
    table = None
    for target in targets:
        try:
            table = target.last_published(linked.name, resource, read=read_table)
        except PipelineError:
            table = None
        if table is not None:
            break
    return key_figure(spec, table, linked.title)


def _kept(project: Path) -> Path:
    """Where the last reports are kept: outside `<out>/cache/`, which retention empties, since
    losing it would make an unchanged plan's report anew (it holds only published data)."""
    out = Path(os.environ.get("KENNZAHLEN_OUT") or project / "out")
    return out.resolve() / "progress"


def _basis(folder: Path, plan_sha: str, published: Table | None) -> Table | None:
    """What "since the last report" compares with: for the plan the kept report was made for,
    the plan it compared against; for a new plan, the last publication."""
    state = _state(folder)
    if state.get("plan_sha256") != plan_sha:
        return published
    if not (folder / BASIS).is_file():
        return None
    with (folder / BASIS).open(encoding="utf-8", newline="") as handle:
        return read_table(handle)


def _state(folder: Path) -> dict[str, object]:
    try:
        return json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _key(declared: ProgressSpec, dataset_folder: Path, plan: Path, basis: Table | None,
         figures: list[FigureValue]) -> str:
    digest = hashlib.sha256(GENERATOR.encode())
    digest.update((dataset_folder / PROGRESS_FILE).read_bytes())
    digest.update(plan.read_bytes())
    digest.update(json.dumps([basis.fields, basis.rows] if basis else None).encode())
    digest.update(json.dumps([dataclasses.astuple(f) for f in figures],
                             ensure_ascii=False).encode())
    return digest.hexdigest()


def _files(folder: Path, key: str, report: ProgressReport, plan: Path, basis: Table | None,
           prepared: Prepared) -> list[Path]:
    """The report's files: the kept ones when `key` matches, else rendered anew (the HTML is
    kept with the state at once; a missing PDF is printed, and tried again next run)."""
    html, pdf = folder / HTML, folder / PDF
    if _state(folder).get("key") != key or not html.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        (folder / STATE).unlink(missing_ok=True)
        pdf.unlink(missing_ok=True)
        html.write_text(render_progress(report), encoding="utf-8")
        (folder / BASIS).unlink(missing_ok=True)
        if basis is not None:
            _write_csv(folder / BASIS, basis)
        (folder / STATE).write_text(json.dumps({"key": key, "plan_sha256": file_sha256(plan)}),
                                    encoding="utf-8")
    if not pdf.is_file():
        try:
            print_pdf(html, pdf)
        except PdfUnavailableError as exc:
            prepared.result.problems.append(problems.make(
                exc.code, f"Fortschrittsbericht von '{prepared.result.name}': {exc.message} "
                "Der Bericht wird nur als HTML veröffentlicht.", severity="warning",
                dataset=prepared.result.name))
            return [html]
    return [html, pdf]


def _write_csv(path: Path, table: Table) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(table.fields)
        writer.writerows(table.rows)


def _with_files(bundle: Bundle, declared: ProgressSpec, made: list[Path]) -> Bundle:
    """The bundle with the report's files added and its content hash over all files."""
    files = list(bundle.files)
    for path in made:
        copy = bundle.directory / path.name
        shutil.copyfile(path, copy)
        pdf = path.suffix == ".pdf"
        files.append(BundleFile(
            name=f"fortschrittsbericht-{'pdf' if pdf else 'html'}", path=copy,
            format="PDF" if pdf else "HTML", mediatype="application/pdf" if pdf else "text/html",
            sha256=file_sha256(copy), bytes=copy.stat().st_size,
            title=f"{declared.title} ({'PDF' if pdf else 'HTML'})",
            description="Stand der Umsetzung je Handlungsfeld, Änderungen seit dem letzten "
                        "Bericht, überfällige Maßnahmen und Kennzahlen; wird bei jeder Änderung "
                        "des Plans neu erstellt."))
    return dataclasses.replace(bundle, files=tuple(files), content_hash=content_hash(
        bundle.dataset, bundle.descriptor, files))
