"""Helpers shared by the browser tests: where screenshots go, axe-core, sideways overflow."""

from __future__ import annotations

import os
from pathlib import Path

from tests.helpers import ROOT


def artifacts(sub: str = "") -> Path:
    """The folder for screenshots: KENNZAHLEN_TEST_ARTIFACTS or out/test-artifacts/."""
    folder = Path(os.environ.get("KENNZAHLEN_TEST_ARTIFACTS") or ROOT / "out" / "test-artifacts")
    folder = folder / sub if sub else folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def violations(page, axe_js: str) -> list[dict]:  # noqa: ANN001
    """Every axe-core violation (whole default rule set) of the loaded page."""
    page.add_script_tag(path=axe_js)
    return page.evaluate("axe.run(document, {resultTypes: ['violations']})"
                         ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, "
                         "nodes: v.nodes.map(n => n.target.join(' '))})))")


def overflow(page) -> int:  # noqa: ANN001
    """How many pixels the page is wider than the viewport (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth"
                         " - document.documentElement.clientWidth")
