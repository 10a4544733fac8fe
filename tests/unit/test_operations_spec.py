"""`operations:` in catalog.yaml and `notify:` in dataset.yaml: recipients, retention, the age a
frequency allows."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.errors import ConfigError
from flows.specs.operations import Recipients, load_operations, max_age_days

CATALOG = """title: Katalog
operations:
  retention_days: 30
  notify:
    stadt-musterstadt:
      email: [team@musterstadt.example]
      webhook_env: CHAT_HOOK
    "*":
      email: [it@musterstadt.example, team@musterstadt.example]
"""


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "datapackages").mkdir()
    (tmp_path / "datapackages" / "catalog.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_recipients_of_a_dataset_join_its_own_its_organisations_and_everyones(
        tmp_path: Path) -> None:
    operations = load_operations(_project(tmp_path, CATALOG), {"CHAT_HOOK": "https://chat/x"})
    assert operations.retention_days == 30
    found = operations.recipients("stadt-musterstadt", {"email": ["a@musterstadt.example"]})
    assert found == Recipients(("a@musterstadt.example", "team@musterstadt.example",
                                "it@musterstadt.example"), ("https://chat/x",))
    assert operations.recipients("andere-org", None).email == (
        "it@musterstadt.example", "team@musterstadt.example")


def test_an_unset_webhook_variable_adds_no_webhook(tmp_path: Path) -> None:
    operations = load_operations(_project(tmp_path, CATALOG), {})
    assert operations.recipients("stadt-musterstadt", None).webhooks == ()


def test_defaults_without_an_operations_block(tmp_path: Path) -> None:
    operations = load_operations(_project(tmp_path, "title: Katalog\n"))
    assert operations.retention_days == 90 and not operations.recipients("x", None)


@pytest.mark.parametrize("block, where", [
    ("  retention_days: 0\n", "operations.retention_days"),
    ("  notify:\n    stadt:\n      email: [keine-adresse]\n", "operations.notify.stadt.email.0"),
    ("  aufbewahrung: 90\n", "operations"),
])
def test_a_wrong_operations_block_is_named(tmp_path: Path, block: str, where: str) -> None:
    with pytest.raises(ConfigError, match=f"'{where}' ist ungültig"):
        load_operations(_project(tmp_path, f"title: Katalog\noperations:\n{block}"))


def test_frequency_codes_give_the_allowed_age_with_one_night_of_grace() -> None:
    assert max_age_days("MONTHLY") == 32 and max_age_days("annual") == 367
    assert max_age_days("IRREG") is None and max_age_days(None) is None
