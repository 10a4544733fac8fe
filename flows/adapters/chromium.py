"""Printing an HTML page to PDF with headless Chromium (Debian's `chromium`, which
`scripts/browser-tools install` installs; `KENNZAHLEN_CHROMIUM` names another binary).

The PDF is printed from the very page the catalog shows: A4 from the page's print style sheet,
no header or footer lines, tagged (structure, `/Lang` from `<html lang>`), with the document
title from `<title>`. Chromium runs with a throwaway profile, so parallel runs never share one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from flows.errors import TerminalError

TIMEOUT = 120


class PdfUnavailableError(TerminalError):
    """No PDF could be printed (Chromium missing or failing); the HTML stays usable."""

    code = "progress-report-incomplete"


def find_chromium() -> str | None:
    """The Chromium binary to print with, or None if none is installed."""
    named = os.environ.get("KENNZAHLEN_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(html: Path, pdf: Path, timeout: int = TIMEOUT) -> None:
    """Print `html` (a file) to `pdf`.

    Args:
        html: the page to print; linked files are resolved relative to it.
        pdf: where the PDF is written (replaced).
        timeout: seconds before Chromium is stopped.

    Raises:
        PdfUnavailableError: Chromium is not installed, fails or writes no PDF.
    """
    binary = find_chromium()
    if binary is None:
        raise PdfUnavailableError(
            "Kein PDF erstellt: Chromium ist nicht installiert (scripts/browser-tools install "
            "oder KENNZAHLEN_CHROMIUM setzen).")
    pdf.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="kennzahlen-chromium-") as profile:
        command = [binary, "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-dev-shm-usage", "--no-first-run", "--no-pdf-header-footer",
                   "--export-tagged-pdf", f"--user-data-dir={profile}",
                   f"--print-to-pdf={pdf}", html.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailableError(f"Kein PDF erstellt: Chromium ({binary}) lief nicht "
                                      f"durch ({type(exc).__name__}).") from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        raise PdfUnavailableError(f"Kein PDF erstellt: Chromium ({binary}) endete mit Code "
                                  f"{done.returncode}.")
