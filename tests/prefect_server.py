"""A real Prefect server and process workers for integration tests, each a process of its own
(its own process group), stopped with everything they started."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (Linux /proc), children first found first."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Send `sig` to `process`, its process group and every process it started (a flow run a
    worker starts gets a process group of its own)."""
    for pid in [*descendants(process.pid), process.pid]:
        for kill in (lambda p: os.killpg(p, sig), lambda p: os.kill(p, sig)):
            try:
                kill(pid)
            except (ProcessLookupError, PermissionError):
                pass


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Stop `process` and all it started: SIGTERM, then SIGKILL after `grace` seconds."""
    if process.poll() is None:
        kill_tree(process, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    kill_tree(process, signal.SIGKILL)
    process.wait(timeout=30)


@contextmanager
def prefect_server(home: Path, env: dict[str, str], port: int | None = None,
                   timeout: float = 120) -> Iterator[dict[str, str]]:
    """`prefect server start` on loopback with its own PREFECT_HOME (SQLite in it); yields the
    environment for clients, workers and flow runs (PREFECT_API_URL set)."""
    port = port or int(os.environ.get("KENNZAHLEN_TEST_PREFECT_PORT") or free_port())
    home.mkdir(parents=True, exist_ok=True)
    env = {**env, "PREFECT_HOME": str(home), "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_UI_ENABLED": "false",
           "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
           "PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS": "2"}
    log = (home / "server.log").open("wb")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("Prefect server did not start:\n"
                                         + (home / "server.log").read_text()[-3000:]) from None
                time.sleep(0.3)
        yield env
    finally:
        stop(server)
        log.close()


def prefect(env: dict[str, str], *args: str, cwd: Path, timeout: float = 180) -> str:
    """Run the `prefect` command line; its output (fails the test when it fails)."""
    done = subprocess.run([str(BIN / "prefect"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout + done.stderr


def start_worker(env: dict[str, str], pool: str, name: str, workdir: Path,
                 limit: int = 2) -> subprocess.Popen:
    """`prefect worker start` in `workdir` (a folder of its own), logging to workdir/worker.log."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = (workdir / "worker.log").open("wb")
    try:
        return subprocess.Popen([str(BIN / "prefect"), "worker", "start", "--pool", pool,
                                 "--name", name, "--type", "process", "--limit", str(limit)],
                                cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    finally:
        log.close()
