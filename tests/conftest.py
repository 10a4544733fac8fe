"""Shared fixtures: a writable copy of the project, the Prefect harness, the real CKAN."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    """Point the metadata checks at ../shared/reference (the tests' copy of the DCAT-AP.de
    shapes), wherever this checkout lies; a user's own KENNZAHLEN_REFERENCE wins."""
    from tests.helpers import shared_reference

    os.environ.setdefault("KENNZAHLEN_REFERENCE", str(shared_reference()))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--integration", action="store_true",
                     help="also run tests against the real CKAN started by scripts/ckan-dev "
                          "(implies --browser)")
    parser.addoption("--browser", action="store_true",
                     help="also run the browser tests (headless Chromium and axe-core, "
                          "installed on first use by scripts/browser-tools)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    integration = config.getoption("--integration")
    browser = integration or config.getoption("--browser")
    skip_integration = pytest.mark.skip(reason="needs --integration (make test passes it)")
    skip_browser = pytest.mark.skip(reason="needs --browser or --integration (make test "
                                           "passes it)")
    for item in items:
        if "browser_tools" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)  # whatever starts Chromium is a browser test
        if "integration" in item.keywords and not integration:
            item.add_marker(skip_integration)
        if "browser" in item.keywords and not browser:
            item.add_marker(skip_browser)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of datapackages/ and schemas/ that a test may change."""
    root = tmp_path / "project"
    shutil.copytree(ROOT / "datapackages", root / "datapackages")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    return root


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, project: Path, tmp_path: Path) -> dict[str, str]:
    """Environment pointing kennzahlen at the project copy and a private output folder."""
    values = {"KENNZAHLEN_PROJECT": str(project), "KENNZAHLEN_OUT": str(tmp_path / "out")}
    for key in ("CKAN_URL", "CKAN_API_TOKEN", "CKAN_API_TOKEN_BLOCK", "KENNZAHLEN_TARGETS",
                "OPARL_SYSTEM_URL", "GEWERBE_DB_URL"):
        monkeypatch.delenv(key, raising=False)
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture(autouse=True)
def _closed_breakers() -> Iterator[None]:
    """Every test starts with every portal's circuit breaker closed (flows/adapters/ckan)."""
    from flows.adapters.ckan import breaker

    breaker.reset()
    yield


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One Prefect test harness per session (it takes ≈ 10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def ckan() -> Iterator[dict[str, str]]:
    """A real CKAN on loopback, started by scripts/ckan-dev for this session and stopped after."""
    from tests.helpers import ckan_dev

    with ckan_dev("scripts/ckan-dev (CKAN)") as values:
        yield values
