"""Beyond one machine: a real Prefect server, a process work pool, three workers in separate
processes and working directories, the real CKAN. A nightly run fans out to 50 dataset runs
(flows/distributed.py); a worker is killed in the middle; the next run converges; two nightly
runs started at once are serialised per dataset by the server's concurrency limits."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from flows.adapters.ckan.mapping import HASH_EXTRA, extra
from flows.run import handover
from tests.helpers import ROOT
from tests.prefect_server import descendants, kill_tree, prefect, prefect_server, start_worker
from tests.prefect_server import stop as stop_process

pytestmark = pytest.mark.integration

EXAMPLE = "digitalisierung-kosten"
COUNT = 50
CHANGED = 5
RESOURCES = ["kosten", "kosten-json"]


def build_project(root: Path, prefix: str) -> list[str]:
    """COUNT renamed copies of a small example (without its business rules, so no dataset run
    loads Great Expectations)."""
    shutil.copytree(ROOT / "schemas", root / "schemas")
    (root / "datapackages").mkdir(parents=True)
    for path in (ROOT / "datapackages").iterdir():  # catalog.yaml and the population table
        if path.is_file():
            shutil.copy(path, root / "datapackages" / path.name)
    names = []
    for number in range(1, COUNT + 1):
        name = f"{prefix}-{number:02d}"
        folder = root / "datapackages" / name
        shutil.copytree(ROOT / "datapackages" / EXAMPLE, folder,
                        ignore=shutil.ignore_patterns("rules.yaml"))
        descriptor = folder / "datapackage.yaml"
        text = descriptor.read_text(encoding="utf-8").replace(f"name: {EXAMPLE}\n",
                                                               f"name: {name}\n", 1)
        descriptor.write_text(text, encoding="utf-8")
        names.append(name)
    return names


@pytest.fixture(scope="module")
def pool(ckan: dict[str, str], tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Server, work pool `kennzahlen`, both deployments, three workers, a project of COUNT
    datasets and a shared output folder; yields what the test needs, stops all after."""
    base = tmp_path_factory.mktemp("pool")
    names = build_project(base / "project", f"pool-{secrets.token_hex(3)}")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PWD": str(ROOT),  # {{ $PWD }} in prefect.yaml
           "CKAN_URL": ckan["CKAN_URL"], "CKAN_API_TOKEN": ckan["CKAN_API_TOKEN"],
           "KENNZAHLEN_OUT": str(base / "shared-out"), "KENNZAHLEN_TARGETS": "ckan",
           "KENNZAHLEN_LEASE_SECONDS": "60", "KENNZAHLEN_FANOUT_TIMEOUT": "90",
           "KENNZAHLEN_FANOUT_POLL": "0.5", "PREFECT_WORKER_QUERY_SECONDS": "1",
           "PREFECT_WORKER_PREFETCH_SECONDS": "1", "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("KENNZAHLEN_PROJECT", None)
    with prefect_server(base / "prefect-home", env) as env:
        prefect(env, "work-pool", "create", "kennzahlen", "--type", "process", cwd=ROOT)
        prefect(env, "--no-prompt", "deploy", "--name", "nightly-publish", "--name",
                "publish-dataset", cwd=ROOT)
        workers = [start_worker(env, "kennzahlen", f"w{i}", base / f"worker-{i}")
                   for i in (1, 2, 3)]
        try:
            yield {"env": env, "names": names, "project": base / "project",
                   "out": base / "shared-out", "workers": workers, "base": base, **ckan}
        finally:
            for worker in workers:
                stop_process(worker)


def nightly(pool: dict, *extra: str) -> subprocess.Popen:
    """`kennzahlen run` fanning out to the work pool (a machine of its own, so to speak)."""
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", *extra],
                            cwd=pool["base"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**pool["env"], "KENNZAHLEN_FANOUT": "deployment",
                                            "KENNZAHLEN_PROJECT": str(pool["project"])})


def summaries(out: Path) -> dict[str, dict]:
    return {p.parent.name: json.loads(p.read_text()) for p in (out / "reports").glob(
        "*/summary.json") if p.parent.name != "latest"}


def statuses(summary: dict) -> dict[str, str]:
    return {item["dataset"]: item["status"] for item in summary["datasets"]}


def package(pool: dict, name: str) -> dict:
    response = requests.get(f"{pool['CKAN_URL']}/api/3/action/package_show", params={"id": name},
                            headers={"Authorization": pool["CKAN_API_TOKEN"]}, timeout=30)
    response.raise_for_status()
    return response.json()["result"]


def assert_on_ckan_once(pool: dict, names: list[str]) -> dict[str, str]:
    """Every dataset exists with its two resources, none twice; their content hashes."""
    hashes = {}
    for name in names:
        found = package(pool, name)
        assert [r["kennzahlen_file"] for r in found["resources"]] == RESOURCES, name
        hashes[name] = extra(found, HASH_EXTRA)
    return hashes


HOLD = """
import sys, time
from pathlib import Path
from flows import distributed
with distributed.dataset_locks(Path("."))("lease-probe"):
    print("held", flush=True)
    time.sleep(float(sys.argv[1]))
"""


def hold(env: dict[str, str], seconds: float, wait: float) -> subprocess.Popen:
    """A process that holds the dataset lock `lease-probe` for `seconds` (waiting up to `wait`
    seconds for it) and says "held" once it has it."""
    return subprocess.Popen([sys.executable, "-c", HOLD, str(seconds)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            env={**env, "KENNZAHLEN_LOCK_WAIT": str(wait)})


def test_fan_out_on_three_workers_survives_a_killed_worker_and_serialises_runs(
        pool: dict) -> None:
    names, out, env = pool["names"], pool["out"], pool["env"]
    # 0. a holder of a dataset lock is killed: its slot stays taken until its lease runs out
    holder = hold(env, 600, 60)
    assert holder.stdout.readline().strip() == "held"
    kill_tree(holder)
    holder.wait()
    blocked = hold(env, 0, 1)
    output = blocked.communicate(timeout=120)[0]
    assert blocked.returncode != 0 and "anderer Lauf" in output, output[-2000:]
    # 1. the first nightly run fans out to 50 dataset runs; one worker is killed meanwhile
    started = time.monotonic()
    first = nightly(pool)
    victim = pool["workers"][0]
    deadline, seen = time.monotonic() + 300, set(descendants(victim.pid))
    while True:  # a dataset run the victim has just started (it cannot have published yet)
        assert time.monotonic() < deadline and first.poll() is None, "no dataset run started"
        running = set(descendants(victim.pid))
        if running - seen and len(list(out.glob(f"reports/*/{handover.FOLDER}/*.json"))) >= 5:
            break
        seen |= running
        time.sleep(0.05)
    kill_tree(victim)  # the machine is gone: the worker and the dataset runs it started
    pool["workers"].append(start_worker(env, "kennzahlen", "w4", pool["base"] / "worker-4"))
    output = first.communicate(timeout=600)[0]
    first_seconds = time.monotonic() - started
    assert first.returncode == 1, output[-3000:]
    (run_1,) = summaries(out).values()
    crashed = {n for n, s in statuses(run_1).items() if s == "failed"}
    assert crashed and set(statuses(run_1)) == set(names)
    assert set(statuses(run_1).values()) == {"published", "failed"}, run_1
    assert all("kein Ergebnis" in i["reason"] for i in run_1["datasets"] if i["status"] ==
               "failed")

    # 2. the next run publishes what crashed; the others it takes over without a dataset run
    started = time.monotonic()
    second = nightly(pool)
    output = second.communicate(timeout=600)[0]
    second_seconds = time.monotonic() - started
    assert second.returncode == 0, output[-3000:]
    (run_2,) = (s for k, s in summaries(out).items() if k != run_1["run_id"])
    for name, status in statuses(run_2).items():
        before = statuses(run_1)[name]
        # published once: by the first run, or by the second after the first run's crash
        # (or by the crashed run itself, just before its worker died: then it is unchanged)
        assert (before, status) in {("published", "unchanged"), ("failed", "published"),
                                    ("failed", "unchanged")}, (name, before, status)
    assert any(s == "published" for s in statuses(run_2).values())  # the run killed early
    hashes = assert_on_ckan_once(pool, names)
    assert all(hashes.values())

    # 3. new data for some datasets; two nightly runs started at once, on the workers
    for name in names[:CHANGED]:
        source = pool["project"] / "datapackages" / name / "source" / "roadmap-kosten.csv"
        source.write_bytes(source.read_bytes().replace(b";500,00;", b";600,00;"))
    parameters = {"fan_out": True, "project": str(pool["project"]), "targets": ["ckan"]}
    started = time.monotonic()
    both = [subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "deployment", "run",
                              "nightly-publish/nightly-publish", "--watch", "--watch-interval", "1",
                              "--params",
                              json.dumps({**parameters, "run_id": f"parallel-{side}"})],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
            for side in "ab"]
    for run in both:
        output = run.communicate(timeout=600)[0]
        assert run.returncode == 0, output[-3000:]
    parallel_seconds = time.monotonic() - started
    print(f"\nfan-out of {COUNT} datasets, 3 workers, one killed: {first_seconds:.1f} s; "
          f"converging run: {second_seconds:.1f} s; two runs at once: {parallel_seconds:.1f} s")
    found = summaries(out)
    runs = [statuses(found["parallel-a"]), statuses(found["parallel-b"])]
    for name in names[:CHANGED]:  # one run published the new version, the other found it
        assert sorted(r[name] for r in runs) == ["published", "unchanged"], (name, runs)
    for name in names[CHANGED:]:
        assert [r[name] for r in runs] == ["unchanged", "unchanged"], name
    after = assert_on_ckan_once(pool, names)
    assert [n for n in names if after[n] != hashes[n]] == names[:CHANGED]
    # the dataset locks were held by the server, not as files in the shared folder
    assert not (out / "locks").exists()
    limits = requests.post(f"{env['PREFECT_API_URL']}/v2/concurrency_limits/filter", json={},
                           timeout=30).json()
    held = {limit["name"]: limit["limit"] for limit in limits}
    assert all(held[f"kennzahlen-dataset-{name}"] == 1 for name in names)
    assert [n for n in held if n.startswith("kennzahlen-portal-ckan")], held
    # every slot is free again, those of the killed runs too (their leases ran out)
    free = hold(env, 0, 5)
    assert free.communicate(timeout=120)[0].startswith("held") and free.returncode == 0
    assert [(x["name"], x["active_slots"]) for x in limits if x["active_slots"]] == []
    # the server watches the dataset runs' heartbeats (tests/integration/test_heartbeats.py)
    automations = requests.post(f"{env['PREFECT_API_URL']}/automations/filter", json={},
                                timeout=30).json()
    assert [a["name"] for a in automations] == ["kennzahlen: Datensatz-Lauf ohne Lebenszeichen"]
