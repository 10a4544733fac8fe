"""A night with the portal down: how long does `kennzahlen publish --target ckan` take?

    .venv/bin/python benchmarks/down_portal.py [--datasets 50] [--budget 120] [--example NAME]

Builds a temporary project with N copies of an example dataset and runs `kennzahlen publish
<all> --target ckan --target local:<tmp>` as a separate process against a portal that does not
answer: a fault proxy (tests/fault_proxy.py) in front of a closed port that drops every
connection. `CKAN_RETRY_BUDGET` is the default (120 s) unless given. Prints wall time, exit
code, the requests the proxy saw, and how many datasets failed on the portal and reached the
local catalog. Expected with the circuit breaker: one retry budget plus the time to prepare the
datasets, exit 1, every dataset failed with the same message, all published locally. Without it
each dataset spent the budget twice (comparison read and publish).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fault_proxy import Fault, FaultProxy  # noqa: E402


def _project(folder: Path, example: str, count: int) -> list[str]:
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    (folder / "datapackages").mkdir(parents=True)
    shutil.copy(ROOT / "datapackages" / "catalog.yaml", folder / "datapackages")
    names = []
    for index in range(count):
        name = f"down-bench-{index:02d}"
        shutil.copytree(ROOT / "datapackages" / example, folder / "datapackages" / name)
        path = folder / "datapackages" / name / "datapackage.yaml"
        descriptor = yaml.safe_load(path.read_text(encoding="utf-8"))
        descriptor["name"] = name
        path.write_text(yaml.safe_dump(descriptor, allow_unicode=True), encoding="utf-8")
        names.append(name)
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", type=int, default=50)
    parser.add_argument("--budget", default="120")
    parser.add_argument("--example", default="digitalisierung-kosten")
    args = parser.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}"
    with tempfile.TemporaryDirectory() as tmp, \
            FaultProxy(closed, Fault("/", "reset", times=10**9)) as proxy:
        folder = Path(tmp)
        names = _project(folder / "project", args.example, args.datasets)
        env = {**os.environ, "KENNZAHLEN_PROJECT": str(folder / "project"),
               "KENNZAHLEN_OUT": str(folder / "out"), "CKAN_URL": proxy.url,
               "CKAN_API_TOKEN": "bench-token-not-secret", "CKAN_RETRY_BUDGET": args.budget}
        exe = Path(sys.executable).with_name("kennzahlen")
        started = time.monotonic()
        done = subprocess.run([str(exe), "publish", *names, "--target", "ckan", "--target",
                               f"local:{folder / 'katalog'}"], env=env, capture_output=True,
                              text=True)
        seconds = time.monotonic() - started
        (summary_file,) = [p for p in (folder / "out" / "reports").glob("*/summary.json")
                           if p.parent.name != "latest"]
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
        local = sum(1 for n in names if (folder / "katalog" / n).is_dir())
    failed = sum(1 for d in summary["datasets"] if d["status"] == "failed")
    print(f"datasets={args.datasets} budget={args.budget}s wall={seconds:.1f}s "  # noqa: T201
          f"exit={done.returncode} requests={len(proxy.seen)} failed_on_portal={failed} "
          f"published_locally={local}")


if __name__ == "__main__":
    main()
