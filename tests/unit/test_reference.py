"""`kennzahlen reference download` against a local web server standing in for the public sources."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows import cli
from flows.errors import ConfigError
from flows.metadata import reference
from tests.helpers import ROOT

SHARED = reference.find(ROOT)


@pytest.fixture
def server() -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SHARED))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _mirror(base: str) -> tuple[reference.RemoteFile, ...]:
    """The real manifest, each URL replaced by the same file on the local server."""
    return tuple(reference.RemoteFile(f.path, f"{base}/{f.path}", f.required)
                 for f in reference.FILES)


def test_download_fills_a_folder_that_the_checks_then_use(
        server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(reference, "FILES", _mirror(server))
    target = tmp_path / "ref"
    assert cli.main(["reference", "download", "--dir", str(target)]) == 0
    out = capsys.readouterr().out
    assert "dcat-ap-de/v2.0/dcat-ap-konventionen.ttl" in out
    assert "nicht erreichbar (optional" in out  # the EU tables are not in the local copy
    for item in reference.FILES:
        if item.required:
            assert (target / item.path).read_bytes() == (SHARED / item.path).read_bytes()
    monkeypatch.setenv("KENNZAHLEN_REFERENCE", str(target))
    assert reference.find(ROOT) == target


def test_a_missing_required_file_is_a_clear_error(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    broken = (reference.RemoteFile("dcat-ap-de/v2.0/x.ttl", "http://127.0.0.1:9/x.ttl"),)
    with pytest.raises(ConfigError) as caught:
        reference.download(tmp_path, files=broken, timeout=2)
    assert caught.value.code == "config-error"
    assert "KENNZAHLEN_REFERENCE" in caught.value.message
    assert not (tmp_path / "dcat-ap-de").exists()
