"""Fault injection against the real CKAN: a proxy on loopback misbehaves, the pipeline copes.
Each test checks the portal's state afterwards and that a re-run converges (unchanged)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.adapters.ckan.target import CkanTarget
from flows.model.bundle import file_sha256
from tests.fault_proxy import Fault, FaultProxy
from tests.helpers import MONTHLY
from tests.integration.portal import REPORT, Recording, ckan_target, own_copy, publish

pytestmark = pytest.mark.integration


def _via(proxy: FaultProxy, portal: dict[str, str], **kwargs: float) -> Recording:
    options = {"timeout": 5.0, "retry_budget": 30.0, "retry_base": 0.2, **kwargs}
    return Recording(proxy.url, portal["CKAN_API_TOKEN"], **options)


def _assert_portal_matches(portal: dict[str, str], name: str, workdir: Path) -> None:
    package = ckan_target(portal).call("package_show", id=name)
    names = [r["kennzahlen_file"] for r in package["resources"]]
    files = [p for p in (workdir / name).iterdir() if p.name != "datapackage.json"]
    assert len(names) == len(set(names)) == len(files), names  # no duplicates, none missing
    for resource in package["resources"]:
        local = workdir / name / Path(resource["url"]).name
        assert resource["kennzahlen_sha256"] == file_sha256(local)


def _converges(portal: dict[str, str], project: Path, name: str, tmp_path: Path) -> None:
    again = publish(project, name, ckan_target(portal), tmp_path / "again")
    assert again.status == "unchanged", again.problems


def test_ckan_stopped_before_the_run(portal: dict[str, str], project: Path,
                                     tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    down = CkanTarget(f"http://127.0.0.1:{port}", portal["CKAN_API_TOKEN"], retry_budget=1.5,
                      retry_base=0.2)
    result = publish(project, name, down, tmp_path / "a")
    assert result.status == "failed"
    (problem,) = result.errors
    assert problem.code == "ckan-unreachable" and "Wiederholungen" in problem.message
    assert ckan_target(portal).show(name) is None
    assert publish(project, name, ckan_target(portal), tmp_path / "b").status == "published"
    _assert_portal_matches(portal, name, tmp_path / "b")
    _converges(portal, project, name, tmp_path)


def test_5xx_for_a_while_then_recovering(portal: dict[str, str], project: Path,
                                         tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    faults = [Fault("package_show", "status", 1, 500), Fault("resource_create", "status", 1, 502),
              Fault("package_patch", "status", 2, 503)]
    with FaultProxy(portal["CKAN_URL"], *faults) as proxy:
        target = _via(proxy, portal)
        result = publish(project, name, target, tmp_path / "a")
    assert result.status == "published", result.problems
    assert target.retries == 4
    _assert_portal_matches(portal, name, tmp_path / "a")
    _converges(portal, project, name, tmp_path)


def test_429_with_retry_after_is_honoured(portal: dict[str, str], project: Path,
                                          tmp_path: Path) -> None:
    name = own_copy(project, "digitalstrategie-massnahmen")
    with FaultProxy(portal["CKAN_URL"], Fault("package_create", "retry_after", 1,
                                              seconds=2)) as proxy:
        started = time.monotonic()
        result = publish(project, name, _via(proxy, portal), tmp_path / "a")
    assert result.status == "published" and time.monotonic() - started >= 2
    _assert_portal_matches(portal, name, tmp_path / "a")
    _converges(portal, project, name, tmp_path)


def test_slow_create_beyond_the_timeout_is_not_duplicated(portal: dict[str, str], project: Path,
                                                          tmp_path: Path) -> None:
    name = own_copy(project, "digitalstrategie-massnahmen")
    with FaultProxy(portal["CKAN_URL"], Fault("resource_create", "slow", 1, seconds=4)) as proxy:
        target = _via(proxy, portal, timeout=1.5)
        result = publish(project, name, target, tmp_path / "a")
        time.sleep(3)  # let the slow request reach CKAN
    assert result.status == "published", result.problems
    assert target.retries >= 1
    cleanup = publish(project, name, ckan_target(portal), tmp_path / "again")
    # the create that timed out went through later: the next run finds and removes the duplicate
    assert cleanup.status in ("published", "unchanged"), cleanup.problems
    package = ckan_target(portal).call("package_show", id=name)
    assert sorted(r["kennzahlen_file"] for r in package["resources"]) == sorted(
        ["massnahmen", "massnahmen-json", *REPORT])
    _converges(portal, project, name, tmp_path / "third")


def test_connection_reset_in_the_middle_of_an_upload(portal: dict[str, str], project: Path,
                                                     tmp_path: Path) -> None:
    name = own_copy(project, MONTHLY)
    with FaultProxy(portal["CKAN_URL"], Fault("resource_create", "reset", 1)) as proxy:
        target = _via(proxy, portal)
        result = publish(project, name, target, tmp_path / "a")
    assert result.status == "published", result.problems
    assert target.retries == 1
    _assert_portal_matches(portal, name, tmp_path / "a")
    _converges(portal, project, name, tmp_path)


def test_403_for_a_bad_token_is_not_retried(portal: dict[str, str], project: Path,
                                            tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    publish(project, name, ckan_target(portal), tmp_path / "a")
    source = project / "datapackages" / name / "source/roadmap-kosten.csv"
    source.write_bytes(source.read_bytes().replace(b"8.183,74", b"8.183,00"))
    with FaultProxy(portal["CKAN_URL"]) as proxy:
        bad = Recording(proxy.url, "ungueltiger-token-0123456789", retry_budget=30,
                        retry_base=0.2)
        result = publish(project, name, bad, tmp_path / "b")
    assert result.status == "failed" and bad.retries == 0
    (problem,) = result.errors
    assert problem.code == "ckan-not-authorized"
    assert "ungueltiger-token" not in str(result.to_dict())
    assert publish(project, name, ckan_target(portal), tmp_path / "c").status == "published"


def test_sigkilled_run_is_resumed_without_publishing_twice(
        portal: dict[str, str], project: Path, env: dict[str, str], tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    exe = Path(sys.executable).with_name("kennzahlen")
    with FaultProxy(portal["CKAN_URL"], Fault("resource_create", "slow", 5, seconds=3)) as proxy:
        run = subprocess.Popen([str(exe), "publish", name, "--target", "ckan"],
                               env={**os.environ, "CKAN_URL": proxy.url},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while not any("resource_create" in s for s in proxy.seen):
            assert time.monotonic() < deadline and run.poll() is None
            time.sleep(0.1)
        run.send_signal(signal.SIGKILL)
        run.wait()
    time.sleep(3.5)
    locks = Path(env["KENNZAHLEN_OUT"]) / "locks"
    assert (locks / f"{name}.lock").exists()  # left behind by the killed run
    resumed = subprocess.run([str(exe), "publish", name, "--target", "ckan"],
                             env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    package = ckan_target(portal).call("package_show", id=name)
    names = [r["kennzahlen_file"] for r in package["resources"]]
    assert sorted(names) == ["kosten", "kosten-json"]
    _converges(portal, project, name, tmp_path)


def test_two_concurrent_runs_are_serialised(portal: dict[str, str], project: Path,
                                            env: dict[str, str]) -> None:
    name = own_copy(project, "digitalstrategie-massnahmen")
    exe = Path(sys.executable).with_name("kennzahlen")
    runs = [subprocess.Popen([str(exe), "publish", name, "--target", "ckan"],
                             env=dict(os.environ), stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=180)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert sorted(o.split(": ")[1].split(" ")[0] for o in outputs if ": " in o) == [
        "unverändert", "veröffentlicht"]
    package = ckan_target(portal).call("package_show", id=name)
    assert sorted(r["kennzahlen_file"] for r in package["resources"]) == sorted(
        ["massnahmen", "massnahmen-json", *REPORT])


def test_failure_between_upload_and_switch_keeps_the_previous_version(
        portal: dict[str, str], project: Path, tmp_path: Path) -> None:
    name = own_copy(project, "digitalisierung-kosten")
    publish(project, name, ckan_target(portal), tmp_path / "old")
    before = ckan_target(portal).call("package_show", id=name)
    source = project / "datapackages" / name / "source/roadmap-kosten.csv"
    source.write_bytes(source.read_bytes().replace(b"8.183,74", b"9.000,00"))
    with FaultProxy(portal["CKAN_URL"], Fault("package_patch", "status", 100, 503)) as proxy:
        result = publish(project, name, _via(proxy, portal, retry_budget=2), tmp_path / "new")
    assert result.status == "failed"
    during = ckan_target(portal).call("package_show", id=name)
    live = [r for r in during["resources"] if r.get("kennzahlen_staged") != "true"]
    # the previous complete version
    assert [(r["id"], r["kennzahlen_sha256"]) for r in live] == [
        (r["id"], r["kennzahlen_sha256"]) for r in before["resources"]]
    assert len(during["resources"]) == 4  # plus two verified, staged uploads
    assert publish(project, name, ckan_target(portal), tmp_path / "new").status == "published"
    _assert_portal_matches(portal, name, tmp_path / "new")
    _converges(portal, project, name, tmp_path)
