"""German help and usage errors of every command."""

from __future__ import annotations

import re

import pytest

from flows.cli import main
from flows.cli_parser import german_error

COMMANDS = [[], ["list"], ["validate"], ["publish"], ["run"], ["review"], ["approve"],
            ["reject"], ["history"], ["status"], ["reference"], ["reference", "download"],
            ["reference", "path"]]
ENGLISH = re.compile(r"usage:|positional arguments|options:|show this help|the following|"
                     r"invalid choice|unrecognized|required|default:", re.IGNORECASE)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "kennzahlen")
def test_every_command_has_german_help_with_examples(command: list[str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("Aufruf: kennzahlen")
    assert "Beispiele:" in out and "kennzahlen " + " ".join(command) in out
    assert "-h, --help        diese Hilfe zeigen" in out or "diese Hilfe zeigen" in out
    assert not ENGLISH.search(out), ENGLISH.search(out)


@pytest.mark.parametrize("command", [[], ["publish"], ["run"]])
def test_batch_commands_list_every_exit_code(command: list[str],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert all(f"\n  {code}  " in out for code in "0123")


@pytest.mark.parametrize(("args", "fragment"), [
    (["frobnicate"], "'frobnicate' ist nicht möglich (möglich: 'list'"),
    (["reject", "x"], "diese Angaben fehlen: --comment"),
    (["list", "--format", "xml"], "Angabe --format: 'xml' ist nicht möglich"),
    (["list", "--bogus"], "unbekannte Angaben: --bogus"),
    (["validate"], "diese Angaben fehlen: DATENSATZ"),
    (["approve", "x", "--comment"], "Angabe --comment braucht einen Wert"),
    ([], "diese Angaben fehlen: <Befehl>"),
])
def test_usage_errors_are_german_and_exit_2(args: list[str], fragment: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Aufruf: kennzahlen") and "Fehler: " in err and fragment in err
    assert "--help" in err and not ENGLISH.search(err.replace("--help", "")), err


def test_an_unknown_argparse_message_is_kept() -> None:
    assert german_error("something new") == "something new"
