"""The circuit breaker against the real CKAN behind the fault proxy: a portal that is down for
the whole run costs one retry budget, not one per dataset; a single blip opens nothing."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from flows import cli
from flows.adapters.ckan import breaker
from tests.fault_proxy import Fault, FaultProxy
from tests.integration.portal import ckan_target, own_copy

pytestmark = pytest.mark.integration

DATASETS = 12
BUDGET = 4


def _summary(out: Path) -> dict:
    (summary,) = [p for p in (out / "reports").glob("*/summary.json")
                  if p.parent.name != "latest"]
    return json.loads(summary.read_text(encoding="utf-8"))


def test_a_portal_down_all_run_fails_every_dataset_fast_and_local_still_publishes(
        portal: dict[str, str], project: Path, env: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    names = [own_copy(project, "digitalisierung-kosten") for _ in range(DATASETS)]
    down = Fault("/api/", "reset", times=10**6)  # every call: connection dropped
    monkeypatch.setenv("CKAN_RETRY_BUDGET", str(BUDGET))
    monkeypatch.setenv("CKAN_TIMEOUT", "5")
    local = tmp_path / "katalog"
    with FaultProxy(portal["CKAN_URL"], down) as proxy:
        monkeypatch.setenv("CKAN_URL", proxy.url)
        started = time.monotonic()
        code = cli.main(["publish", *names, "--target", "ckan", "--target", f"local:{local}"])
        seconds = time.monotonic() - started
        calls = len(proxy.seen)
    with capsys.disabled():
        print(f"\n{DATASETS} Datensätze gegen ein nicht erreichbares Portal: {seconds:.1f} s, "
              f"{calls} Anfragen (Budget {BUDGET} s)")
    assert code == 1, capsys.readouterr().out[-3000:]
    summary = _summary(Path(env["KENNZAHLEN_OUT"]))
    assert [d["status"] for d in summary["datasets"]] == ["failed"] * DATASETS
    report = json.loads((Path(env["KENNZAHLEN_OUT"]) / "reports" / summary["run_id"]
                         / f"{names[-1]}.json").read_text(encoding="utf-8"))
    (unreachable,) = [p for p in report["problems"] if p["severity"] == "error"]
    assert unreachable["code"] == "ckan-unreachable"
    assert "nicht erneut versucht" in unreachable["message"]
    assert f"Datensatz '{names[0]}'" in unreachable["message"]
    assert {o["target"]: o["status"] for o in report["targets"]}[f"local:{local.resolve()}"] \
        in ("published", "unchanged")
    # only the first dataset talked to the proxy: its retries within one budget, nothing after
    assert calls <= BUDGET * 10
    assert seconds < BUDGET * 2 + DATASETS * 10
    assert all(ckan_target(portal).show(name) is None for name in names[:2])
    capsys.readouterr()


def test_a_single_blip_does_not_open_the_breaker(portal: dict[str, str], project: Path,
                                                  env: dict[str, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    names = [own_copy(project, "digitalisierung-kosten") for _ in range(3)]
    blip = Fault("package_show", "reset", times=1)
    monkeypatch.setenv("CKAN_RETRY_BUDGET", "30")
    with FaultProxy(portal["CKAN_URL"], blip) as proxy:
        monkeypatch.setenv("CKAN_URL", proxy.url)
        code = cli.main(["publish", *names, "--target", "ckan"])
        assert not breaker.is_open(proxy.url)
    assert code == 0
    summary = _summary(Path(env["KENNZAHLEN_OUT"]))
    assert [d["status"] for d in summary["datasets"]] == ["published"] * 3
    assert blip.times == 0  # the blip happened
