"""prefect.yaml deploys unchanged: a real Prefect server, `prefect deploy`, a process worker."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.integration


def test_prefect_deploy_and_a_worker_run_the_nightly_flow(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"),
           "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "KENNZAHLEN_OUT": str(tmp_path / "out"),
           "PWD": str(ROOT)}  # prefect.yaml renders {{ $PWD }} as the working directory
    env.pop("KENNZAHLEN_PROJECT", None)
    server = subprocess.Popen([str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.5)

        def prefect(*args: str) -> str:
            done = subprocess.run([str(bin_dir / "prefect"), *args], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=180)
            assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
            return done.stdout + done.stderr

        prefect("work-pool", "create", "kennzahlen", "--type", "process")
        prefect("--no-prompt", "deploy", "--name", "nightly-publish")
        inspected = prefect("deployment", "inspect", "nightly-publish/nightly-publish")
        assert "Europe/Berlin" in inspected and "30 2 * * *" in inspected
        prefect("deployment", "run", "nightly-publish/nightly-publish")
        prefect("worker", "start", "--pool", "kennzahlen", "--run-once")
    finally:
        server.terminate()
        server.wait(timeout=30)
    (summary_file,) = (p for p in (tmp_path / "out" / "reports").glob("*/summary.json")
                       if p.parent.name != "latest")  # the copy of the newest run
    summary = json.loads(summary_file.read_text())
    assert summary["ok"] and summary["counts"] == {"published": len(summary["datasets"])}
