"""Notifications after a run, against a real local SMTP server and a local webhook receiver:
one German message per run and recipient when a dataset needs someone, none otherwise, never a
cell value or a secret."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from flows.cli import EXIT_FAILED, EXIT_OK, main
from flows.run.retention import run_folders
from flows.stages.report_text import format_value
from tests.helpers import COUNTS, FIXTURES, MONTHLY, double_month
from tests.notify_servers import PASSWORD, USER, body, smtp_server, webhook_receiver

INVALID = "digitalisierung-kosten"
UNCHANGED = "digitalstrategie-massnahmen"
TEAM, STEWARD = "opendata@musterstadt.example", "fallzahlen@musterstadt.example"
CKAN_TOKEN = "ckan-token-abcdef123456"


@pytest.fixture
def servers(env: dict[str, str], project: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, list[dict[str, Any]], str]]:
    """Both servers, the organisation's recipients in catalog.yaml and the steward's own in the
    held dataset's dataset.yaml; the webhook URL (with its token) comes from the environment."""
    with smtp_server() as (port, box), webhook_receiver() as (url, hooks):
        for key, value in {"KENNZAHLEN_SMTP_HOST": "127.0.0.1", "KENNZAHLEN_SMTP_PORT": str(port),
                           "KENNZAHLEN_SMTP_SECURITY": "none", "KENNZAHLEN_SMTP_USER": USER,
                           "KENNZAHLEN_SMTP_PASSWORD": PASSWORD,
                           "KENNZAHLEN_SMTP_FROM": "kennzahlen@musterstadt.example",
                           "KENNZAHLEN_REPORTS_URL": "https://intern.musterstadt.example/berichte",
                           "STEWARD_WEBHOOK": url, "CKAN_API_TOKEN": CKAN_TOKEN}.items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("KENNZAHLEN_CHAT_WEBHOOK", raising=False)
        declaration = project / "datapackages" / COUNTS / "dataset.yaml"
        internal = yaml.safe_load(declaration.read_text(encoding="utf-8"))
        internal["notify"] = {"email": [STEWARD], "webhook_env": "STEWARD_WEBHOOK"}
        declaration.write_text(yaml.safe_dump(internal, allow_unicode=True), encoding="utf-8")
        yield box, hooks, url


def _publish(catalog: Path, *names: str) -> int:
    return main(["publish", *names, "--target", f"local:{catalog}"])


def _cells(project: Path) -> set[str]:
    """Every text cell of the three sources (and of the invalid export) that a message could
    quote: anything with a letter, three characters or more."""
    found: set[str] = set()
    sources = [(project / "datapackages" / COUNTS / "source" / "fallzahlen.csv", "utf-8-sig"),
               (FIXTURES / "kosten-invalid-bad-values.csv", "cp1252")]
    for path, encoding in sources:
        for row in csv.reader(io.StringIO(path.read_text(encoding=encoding)), delimiter=";"):
            found |= {c.strip() for c in row[0:] if len(c.strip()) >= 3
                      and any(ch.isalpha() for ch in c)}
    return found


def _changed_figures(report: dict[str, Any]) -> set[str]:
    """The old and new figures of every change beyond its threshold, as a report shows them."""
    return {format_value(e[k]) for e in report["plausibility"] if e.get("exceeds")
            for k in ("old", "new") if e.get(k) is not None and len(format_value(e[k])) >= 3}


def _contains(sent: str, value: str) -> bool:
    """Whether `value` is in `sent`; a figure only as a number of its own (not "132" inside the
    run id 20261203T081320Z)."""
    if any(ch.isalpha() for ch in value):
        return value in sent
    return re.search(rf"(?<![\d.,]){re.escape(value)}(?![\d.,])", sent) is not None


def test_held_invalid_and_unchanged_send_exactly_the_expected_messages(
        servers: tuple[Any, list[dict[str, Any]], str], env: dict[str, str], project: Path,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    box, hooks, url = servers
    catalog = tmp_path / "katalog"
    names = (MONTHLY, INVALID, UNCHANGED)

    assert _publish(catalog, *names) == EXIT_OK  # first publication, no approval asked
    assert box.messages == [] and hooks == []    # nothing needs anyone

    double_month(project)                                       # beyond the 50 % threshold
    shutil.copy(FIXTURES / "kosten-invalid-bad-values.csv",
                project / "datapackages" / INVALID / "source" / "roadmap-kosten.csv")
    assert _publish(catalog, *names) == EXIT_FAILED
    run = sorted(run_folders(Path(env["KENNZAHLEN_OUT"]) / "reports"))[-1]
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert {d["dataset"]: d["status"] for d in summary["datasets"]} == {
        MONTHLY: "held", INVALID: "invalid", UNCHANGED: "unchanged"}
    assert summary["housekeeping"]["notified"] == {"sent": 3, "failed": 0, "problems": []}

    # the organisation's address: one message about both datasets that need someone
    (team,) = box.to(TEAM)
    text = body(team)
    subject = " ".join(team["Subject"].split())  # a long header comes folded
    assert subject == (f"kennzahlen: 1 Datensatz wartet auf Freigabe, 1 Datensatz ungültig, "
                       f"nicht veröffentlicht (Lauf {run.name})")
    assert "1. Fallzahlen" in text and f"({MONTHLY}): wartet auf Freigabe" in text
    assert f"({INVALID}): ungültig, nicht veröffentlicht" in text and UNCHANGED not in text
    assert f"kennzahlen approve {MONTHLY}" in text and f"kennzahlen reject {MONTHLY}" in text
    assert f"https://intern.musterstadt.example/berichte/{run.name}/{MONTHLY}.html" in text
    assert "Summe einer Gruppe über der Schwelle" in text and "erlaubt ± 50 %" in text
    assert "Falscher Datentyp (type-error)" in text
    # the steward: one message about the held dataset only; the webhook: the same event
    (steward,) = box.to(STEWARD)
    assert INVALID not in body(steward) and f"({MONTHLY}): wartet auf Freigabe" in body(steward)
    assert len(box.messages) == 2 and box.logins == [USER, USER]
    (hook,) = hooks
    assert [(e["kind"], e["dataset"]) for e in hook["events"]] == [("held", MONTHLY)]
    assert hook["run_id"] == run.name and "wartet auf Freigabe" in hook["text"]

    # never a cell value, a changed figure or a secret
    report = json.loads((run / f"{MONTHLY}.json").read_text(encoding="utf-8"))
    quoted = _cells(project) | _changed_figures(report)
    assert quoted and _changed_figures(report)
    everything = [body(team), body(steward), team["Subject"], json.dumps(hook, ensure_ascii=False)]
    for sent in everything:
        assert not [value for value in quoted if _contains(sent, value)]
        for secret in (PASSWORD, CKAN_TOKEN, url, "token-abc123"):
            assert secret not in sent

    # approving publishes and tells the same people once more; the record keeps who and when
    box.messages.clear()
    hooks.clear()
    assert main(["approve", MONTHLY, "--by", "Frau Prüfer", "--comment", "Nachmeldung"]) == EXIT_OK
    assert sorted(r for rcpts, _ in box.messages for r in rcpts) == [STEWARD, TEAM]
    (after,) = box.to(STEWARD)
    assert "nach Freigabe veröffentlicht" in after["Subject"]
    assert "Freigegeben von Frau Prüfer" in body(after) and "Nachmeldung" in body(after)
    assert [e["kind"] for e in hooks[0]["events"]] == ["approved-published"]

    capsys.readouterr()
    assert main(["history", MONTHLY]) == EXIT_OK
    history = capsys.readouterr().out
    assert history.count("veröffentlicht, Stand") == 2
    assert "freigegeben, Stand" in history and "zur Freigabe zurückgehalten" in history
    assert "Entscheidung von Frau Prüfer" in history and "„Nachmeldung“" in history

    # a night with nothing new tells nobody
    box.messages.clear()
    hooks.clear()
    assert _publish(catalog, MONTHLY, UNCHANGED) == EXIT_OK
    assert box.messages == [] and hooks == []


def test_a_missing_mail_server_is_counted_not_fatal(
        servers: tuple[Any, list[dict[str, Any]], str], env: dict[str, str], project: Path,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box, hooks, _ = servers
    monkeypatch.delenv("KENNZAHLEN_SMTP_HOST")
    shutil.copy(FIXTURES / "kosten-invalid-bad-values.csv",
                project / "datapackages" / INVALID / "source" / "roadmap-kosten.csv")
    assert _publish(tmp_path / "katalog", INVALID) == EXIT_FAILED
    run = sorted(run_folders(Path(env["KENNZAHLEN_OUT"]) / "reports"))[-1]
    notified = json.loads((run / "summary.json").read_text(encoding="utf-8"))["housekeeping"][
        "notified"]
    assert notified["sent"] == 0 and notified["failed"] == 1
    assert notified["problems"] == [f"E-Mail an {TEAM} nicht verschickt: KENNZAHLEN_SMTP_HOST "
                                    "ist nicht gesetzt."]
    assert box.messages == [] and hooks == []

