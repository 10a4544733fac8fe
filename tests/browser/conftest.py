"""Headless Chromium (Debian) and axe-core (npm), installed by scripts/browser-tools."""

from __future__ import annotations

import subprocess

import pytest

from tests.helpers import ROOT


@pytest.fixture(scope="session")
def browser_tools() -> dict[str, str]:
    """CHROMIUM and AXE_JS; installs them on the first run (apt, npm), later runs reuse them."""
    done = subprocess.run([str(ROOT / "scripts" / "browser-tools"), "install"],
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        pytest.fail(f"scripts/browser-tools install failed:\n{done.stderr[-3000:]}",
                    pytrace=False)
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)
