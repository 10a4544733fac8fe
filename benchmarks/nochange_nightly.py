"""A nightly run in which nothing changed: how many CKAN calls and validations does it cost?

    CKAN_DEV_KEEP=1 scripts/ckan-dev start          # the shared test CKAN (keep it running)
    .venv/bin/python benchmarks/nochange_nightly.py [--datasets 50] [--example fallzahlen-...]

Builds a temporary project with N copies of an example dataset (renamed `nochange-bench-NN`,
the same names every time), publishes it to the CKAN that `scripts/ckan-dev env` names (or
CKAN_URL/CKAN_API_TOKEN), then runs again with unchanged data. Every CKAN API call passes a
counting proxy (tests/fault_proxy.py without faults). Prints, per run: datasets, wall time,
read calls, write calls, validations answered by the cache, datasets not read at all (their
sources unchanged, flows/run/unchanged.py). Expected for the second run: at most one read call
per dataset, no write, no dataset read. The names are the
same every time, so once they exist in the portal the first run finds them unchanged too (it
starts with an empty validation cache, though).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plain_catalog import copy_plain_catalog  # noqa: E402

from flows.run import sequence  # noqa: E402
from flows.run.prepare import Prepared, prepare  # noqa: E402
from flows.run.targets import make_targets  # noqa: E402
from flows.run.unchanged import Unchanged  # noqa: E402
from flows.settings import Settings  # noqa: E402
from tests.fault_proxy import FaultProxy  # noqa: E402

READS = ("_show", "_list", "_search", "status_")


def ckan_env() -> dict[str, str]:
    if os.environ.get("CKAN_URL") and os.environ.get("CKAN_API_TOKEN"):
        return {"CKAN_URL": os.environ["CKAN_URL"], "CKAN_API_TOKEN": os.environ["CKAN_API_TOKEN"]}
    done = subprocess.run([str(ROOT / "scripts/ckan-dev"), "env"], capture_output=True, text=True,
                          env={**os.environ, "CKAN_DEV_KEEP": "1"})
    found = dict(re.findall(r"^(?:export )?(CKAN_URL|CKAN_API_TOKEN)=['\"]?([^'\"\n]+)",
                            done.stdout, re.M))
    if len(found) != 2:
        raise SystemExit("No CKAN: start it with `CKAN_DEV_KEEP=1 scripts/ckan-dev start` "
                         "or set CKAN_URL and CKAN_API_TOKEN.")
    return found


def drop_members(declaration: Path) -> None:
    """A harmonised example (`members:` in dataset.yaml) as one publisher's dataset: its
    shared declaration (the first member's export) without the members."""
    data = yaml.safe_load(declaration.read_text(encoding="utf-8"))
    if "members" in data or "member" in data:
        data.pop("members", None)
        data.pop("member", None)
        declaration.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                               encoding="utf-8")


def build_project(target: Path, example: str, count: int) -> list[str]:
    """A project folder with `count` renamed copies of one example dataset."""
    shutil.copytree(ROOT / "schemas", target / "schemas")
    copy_plain_catalog(target / "datapackages")
    names = []
    for number in range(1, count + 1):
        name = f"nochange-bench-{number:02d}"
        folder = target / "datapackages" / name
        shutil.copytree(ROOT / "datapackages" / example, folder)
        drop_members(folder / "dataset.yaml")
        descriptor = folder / "datapackage.yaml"
        text = descriptor.read_text(encoding="utf-8")
        text = re.sub(r"^name: .*$", f"name: {name}", text, count=1, flags=re.M)
        text = re.sub(r"^title: (.*)$", rf"title: \1 (Benchmark {number:02d})", text, count=1,
                      flags=re.M)
        descriptor.write_text(text, encoding="utf-8")
        names.append(name)
    return names


def run(project: Path, names: list[str], proxy: FaultProxy) -> dict[str, float]:
    settings = Settings.from_env(project)
    seen = len(proxy.seen)
    started = time.perf_counter()
    statuses: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="nochange-work-") as work:
        targets = make_targets(["ckan"], settings)
        prepared_all: list[Prepared] = []

        def prepare_one(slug: str) -> Prepared:
            prepared_all.append(prepare(project, slug, Path(work)))
            return prepared_all[-1]

        for name in names:
            # the nightly sequence: prepare, compare with the last publication, publish
            result = sequence.run_dataset(name, targets, sequence.PlainSteps(prepare_one), None,
                                          Path(work) / "locks", Unchanged.for_project(project))
            statuses[result.status] += 1
        validations = sum(len(p.validations) for p in prepared_all)
        cached = sum(v.cached for p in prepared_all for v in p.validations)
        for target in targets:
            target.finish()
    seconds = time.perf_counter() - started
    paths = [path.split("?")[0] for path in proxy.seen[seen:]]
    downloads = sum("/download/" in path for path in paths)
    actions = Counter(path.rsplit("/", 1)[-1] for path in paths if "/api/" in path)
    reads = sum(n for action, n in actions.items() if any(r in action for r in READS))
    return {"seconds": seconds, "reads": reads, "writes": sum(actions.values()) - reads,
            "downloads": downloads,
            "cached": cached, "validations": validations, "statuses": dict(statuses),
            "not_read": len(names) - len(prepared_all),
            "actions": dict(actions)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", type=int, default=50)
    parser.add_argument("--example", default="fallzahlen-verwaltungsleistungen")
    args = parser.parse_args()
    env = ckan_env()
    with tempfile.TemporaryDirectory(prefix="nochange-project-") as folder, \
            FaultProxy(env["CKAN_URL"]) as proxy:
        project = Path(folder)
        names = build_project(project, args.example, args.datasets)
        os.environ.update({"CKAN_URL": proxy.url, "CKAN_API_TOKEN": env["CKAN_API_TOKEN"],
                           "KENNZAHLEN_OUT": str(project / "out"), "KENNZAHLEN_PROJECT": folder})
        results = [("first run", run(project, names, proxy)),
                   ("second run, no change", run(project, names, proxy))]
    print(f"{'':24}{'datasets':>9}{'wall s':>9}{'reads':>7}{'writes':>8}{'downloads':>11}"
          f"{'from cache':>12}{'not read':>10}")
    for label, r in results:
        print(f"{label:24}{len(names):9d}{r['seconds']:9.1f}{r['reads']:7d}{r['writes']:8d}"
              f"{r['downloads']:11d}{r['cached']:>7d}/{r['validations']:<4d}{r['not_read']:>10d}")
    for label, r in results:
        print(f"{label}: status {r['statuses']}; calls {r['actions']}")


if __name__ == "__main__":
    main()
