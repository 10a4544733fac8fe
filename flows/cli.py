"""The `kennzahlen` command line.

    kennzahlen list                          declared datasets
    kennzahlen validate <dataset>...         check without publishing (exit 0 valid, 1 invalid)
    kennzahlen publish [<dataset>...] --target local[:<dir>] | --target ckan
    kennzahlen run [<dataset>...]            the nightly flow, run locally under Prefect
    kennzahlen review                        held datasets waiting for a decision
    kennzahlen approve <dataset> [--comment C] [--by NAME]   publish exactly the held version
    kennzahlen reject <dataset> --comment C [--by NAME]      keep the previous version
    kennzahlen history <dataset>             every publication and decision on record
    kennzahlen status                        last run and overdue datasets (exit 1: overdue)
    kennzahlen reference download [--dir D]  fetch the DCAT-AP.de shapes and vocabularies
    kennzahlen reference path                where the reference data is found

Exit codes: 0 all good, 1 a dataset is invalid or failed, 2 wrong usage or configuration,
3 nothing failed but a dataset is held for approval (`kennzahlen review`).
Heavy libraries (Prefect, frictionless) are imported only by the commands that need them.

Longer than 300 lines: one short handler per command, kept together so what each command does
reads in one place; the parser with its German help is in flows/cli_parser.py, the work itself
in flows/run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from flows.cli_parser import build_parser
from flows.errors import ConfigError, UnknownDatasetError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_HELD = 0, 1, 2, 3
MAX_PRINTED = 30
_SECRETS: list = []
"""The credentials of this command's settings, so nothing printed can quote them."""


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as exc:
        print(f"Fehler: {_safe(exc.message)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Abgebrochen.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader went away (`kennzahlen list | head`): stop quietly, as the Python docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _parser() -> argparse.ArgumentParser:
    return build_parser({
        "list": _cmd_list, "validate": _cmd_validate, "publish": _cmd_publish, "run": _cmd_run,
        "review": _cmd_review, "approve": _cmd_approve, "reject": _cmd_reject,
        "history": _cmd_history, "status": _cmd_status,
        "download": _cmd_reference_download, "path": _cmd_reference_path,
    })


def _settings(args: argparse.Namespace):  # noqa: ANN202
    from flows.settings import Settings

    settings = Settings.from_env(args.project.resolve() if args.project else None,
                                 load_block=_load_block)
    _SECRETS.append(settings.secrets)
    return settings


def _load_block(name: str) -> str:
    """A Prefect Secret block's value (Prefect is imported only when a block is named)."""
    from flows.tasks import load_secret_block

    return load_secret_block(name)


def _names(settings, requested: list[str]) -> list[str]:  # noqa: ANN001
    from flows.specs.catalog import dataset_names

    known = dataset_names(settings.project)
    for name in requested:
        if name not in known:
            raise UnknownDatasetError(
                f"Unbekannter Datensatz '{name}'. Deklarierte Datensätze: "
                f"{', '.join(known) or 'keine'} (siehe 'kennzahlen list')."
            )
    return requested or known


def _cmd_list(args: argparse.Namespace) -> int:
    from flows.specs import catalog

    settings = _settings(args)
    rows = []
    for name in catalog.dataset_names(settings.project):
        try:
            spec = catalog.load(settings.project, name, check=False)
            rows.append({"name": name, "title": spec.title, "organization": spec.owner_org,
                         "resources": [{"name": r.name, "source": r.source.kind,
                                        "schema": r.schema_name} for r in spec.resources]})
        except ConfigError as exc:
            rows.append({"name": name, "error": exc.message})
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    if not rows:
        print(f"Keine Datensätze in {settings.project / 'datapackages'}.")
    for row in rows:
        if "error" in row:
            print(f"{row['name']}  FEHLERHAFT: {row['error']}")
            continue
        sources = ", ".join(f"{r['name']} ({r['source']})" for r in row["resources"])
        print(f"{row['name']}  {row['title']}\n    Ressourcen: {sources}")
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    from flows.run import batch, throughput

    settings = _settings(args)
    names = _names(settings, args.datasets)
    with throughput.reporting(_rows_line):
        summary = batch.run(settings, names, [],
                            progress=None if args.format == "json" else _progress)
    if args.format == "json":
        reports = [r.to_dict() for r in summary.results]
        print(_safe(json.dumps(reports[0] if len(reports) == 1 else reports,
                               ensure_ascii=False, indent=2)))
    return EXIT_OK if summary.ok else EXIT_FAILED


def _cmd_publish(args: argparse.Namespace) -> int:
    from flows.run import batch, throughput

    settings = _settings(args)
    names = _names(settings, args.datasets)
    with throughput.reporting(_rows_line):
        summary = batch.run(settings, names, args.target or ["local"], progress=_progress)
    _footer(settings, summary)
    return _exit(summary.ok, summary.held)


def _cmd_run(args: argparse.Namespace) -> int:
    from flows.run import batch
    from flows.run.targets import make_targets

    settings = _settings(args)
    names = _names(settings, args.datasets)
    targets = args.target or list(settings.default_targets)
    make_targets(targets, settings)  # a configuration error is reported before Prefect starts
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from flows.publish_all import nightly_publish

    run_id = batch.new_run_id()
    state = nightly_publish(datasets=names, targets=targets, project=str(settings.project),
                            run_id=run_id, return_state=True)
    summary_file = batch.report_dir(settings, run_id) / "summary.json"
    if not summary_file.is_file():
        error = state.result(raise_on_failure=False)
        print(f"Fehler: der Lauf ist abgebrochen ({_safe(str(error))}).", file=sys.stderr)
        return EXIT_FAILED
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    print()
    for index, item in enumerate(summary["datasets"], start=1):
        _line(index, len(summary["datasets"]), item["dataset"], item["status"], item["reason"])
    _footer(settings, None, summary_file.parent, targets)
    return _exit(summary["ok"], summary.get("held", []))


def _exit(ok: bool, held: list[str]) -> int:
    if held:
        print(f"Zur Freigabe zurückgehalten: {', '.join(held)}. Anzeigen mit 'kennzahlen review', "
              "dann 'kennzahlen approve <Datensatz>' oder 'kennzahlen reject <Datensatz> "
              "--comment …'.")
    if not ok:
        return EXIT_FAILED
    return EXIT_HELD if held else EXIT_OK


def _cmd_review(args: argparse.Namespace) -> int:
    from flows.run.approval import ApprovalStore

    settings = _settings(args)
    held = ApprovalStore(settings.held_dir).held()
    if args.format == "json":
        print(_safe(json.dumps(held, ensure_ascii=False, indent=2)))
        return EXIT_OK
    if not held:
        print("Keine Datensätze warten auf eine Freigabe.")
    for record in held:
        print(_safe(f"{record['dataset']}  {record.get('title', '')}\n"
                    f"    zurückgehalten seit {record['held_at']} (Lauf {record['run_id']}), "
                    f"Stand {record['content_hash'][:12]}\n"
                    + "".join(f"    Grund: {reason}\n" for reason in record["reasons"])
                    + f"    Bericht: {record['report']}\n"
                    f"    Ziele: {', '.join(record['targets'])}"))
    return EXIT_OK


def _cmd_approve(args: argparse.Namespace) -> int:
    from flows.run import approval, batch
    from flows.specs import catalog

    settings = _settings(args)
    _names(settings, [args.dataset])
    store = approval.ApprovalStore(settings.held_dir)
    record = store.held_record(args.dataset)
    spec = catalog.load(settings.project, args.dataset, check=False)
    bundle = store.held_bundle(args.dataset, spec)  # refuses a changed held version up front
    entry = store.decide(args.dataset, "approved", args.by or approval.current_user(),
                         args.comment)
    print(f"{args.dataset}: freigegeben von {entry['by']} (Stand {bundle.content_hash[:12]}).")
    # the held version passes the same sequence as a nightly run: lock, validation, gate
    summary = batch.run(settings, [args.dataset], args.target or record["targets"],
                        held={args.dataset: bundle})
    (result,) = summary.results
    for outcome in result.outcomes:
        print(f"  {outcome.target}: {_status_de(outcome.status)}")
    if result.status in ("published", "unchanged"):
        return EXIT_OK
    print(f"  Nicht veröffentlicht – {_safe(result.reason)} Der nächste Lauf prüft die Daten "
          "erneut.", file=sys.stderr)
    return EXIT_FAILED


def _cmd_reject(args: argparse.Namespace) -> int:
    from flows.run import approval

    settings = _settings(args)
    _names(settings, [args.dataset])
    store = approval.ApprovalStore(settings.held_dir)
    entry = store.decide(args.dataset, "rejected", args.by or approval.current_user(),
                         args.comment)
    print(f"{args.dataset}: abgelehnt von {entry['by']}; die bisherige Version bleibt. Dieselben "
          "Daten werden nicht erneut vorgelegt, geänderte Daten schon.")
    return EXIT_OK


def _cmd_history(args: argparse.Namespace) -> int:
    from flows.run.record import history_text

    settings = _settings(args)
    _names(settings, [args.dataset])
    print(_safe(history_text(settings.out_dir, args.dataset)))
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    from flows.run.health import check

    health = check(_settings(args))
    print(_safe("\n".join(health.lines)))
    return EXIT_OK if health.ok else EXIT_FAILED


def _status_de(status: str) -> str:
    from flows.model.results import STATUS_DE

    return STATUS_DE.get(status, status)


def _progress(index: int, total: int, result) -> None:  # noqa: ANN001
    from flows.stages.report_text import text_problem

    rows = sum(result.rows.values())
    _line(index, total, result.name, result.status, f"{rows} Zeilen" if result.rows else "")
    for problem in result.problems[:MAX_PRINTED]:
        print(_safe(text_problem(problem)))
    if len(result.problems) > MAX_PRINTED:
        print(f"  … und {len(result.problems) - MAX_PRINTED} weitere Probleme "
              "(vollständig mit --format json oder im Bericht).")


def _rows_line(item) -> None:  # noqa: ANN001 - a flows.run.throughput.RowsRead
    """How far a large resource is, on stderr (stdout may carry the JSON report)."""
    print(_safe(f"  … {item.text()}"), file=sys.stderr, flush=True)


def _line(index: int, total: int, name: str, status: str, reason: str) -> None:
    text = f"[{index}/{total}] {name}: {_status_de(status)}"
    print(_safe(text + (f" – {reason}" if reason else "")), flush=True)


def _footer(settings, summary, folder: Path | None = None,  # noqa: ANN001
            targets: list[str] | None = None) -> None:
    from flows.run import batch

    if summary is not None:
        folder = batch.report_dir(settings, summary.run_id)
        targets = summary.targets
    for target in targets or []:
        if target.startswith("local"):
            root = Path(target.split(":", 1)[1]) if ":" in target else settings.catalog_dir
            print(f"Katalog: {root / 'index.html'}")
    print(f"Berichte: {folder} (Übersicht: {folder / 'index.html'})")


def _safe(text: str) -> str:
    """Never print a token, whatever a message contains."""
    from flows.model.secrets import redact

    loaded = [value for secrets in _SECRETS for value in secrets.values()]
    return redact(text, [os.environ.get("CKAN_API_TOKEN", ""), *loaded])


def _cmd_reference_download(args: argparse.Namespace) -> int:
    from flows.metadata import reference

    target = (args.dir or reference.cache_dir()).expanduser().resolve()
    print(f"Lade Prüfregeln und Vokabulare nach {target} …")
    missing = reference.download(target, report=lambda path: print(f"  {path}"))
    for path in missing:
        print(f"  nicht erreichbar (optional, die Prüfung nutzt Ersatzlisten): {path}")
    if args.dir:
        print(f"Damit kennzahlen diesen Ordner nutzt: export KENNZAHLEN_REFERENCE={target}")
    return EXIT_OK


def _cmd_reference_path(args: argparse.Namespace) -> int:
    from flows.metadata import reference

    settings = _settings(args)
    found = reference.find(settings.project)
    if found is None:
        searched = ", ".join(str(p) for p in reference.candidates(settings.project))
        print(f"Keine Prüfregeln gefunden (gesucht in: {searched}). "
              "Abhilfe: kennzahlen reference download", file=sys.stderr)
        return EXIT_FAILED
    print(found)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
