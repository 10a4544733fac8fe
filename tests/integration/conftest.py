"""Fixtures for tests against the real CKAN."""

from __future__ import annotations

import pytest


@pytest.fixture
def portal(ckan: dict[str, str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    monkeypatch.setenv("CKAN_URL", ckan["CKAN_URL"])
    monkeypatch.setenv("CKAN_API_TOKEN", ckan["CKAN_API_TOKEN"])
    return ckan
