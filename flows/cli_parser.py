"""The `kennzahlen` command-line parser, with German help and usage errors.

argparse writes its own words in English ("usage:", "options", "the following arguments are
required"). `GermanParser` writes them in German like every other message of kennzahlen: the
usage line, the section titles, `-h/--help` and the usage errors (which end with a pointer to
`--help` and exit 2). `texts(command)` gives each command its description and an epilog with
examples and exit codes, so `kennzahlen <Befehl> --help` says what to type and what comes back.
`build_parser` declares the commands and their options; flows/cli.py runs them.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

EXIT_CODES = """Exit-Codes:
  0  alles veröffentlicht oder unverändert
  1  ein Datensatz ist ungültig oder fehlgeschlagen (die anderen laufen weiter)
  2  falscher Aufruf oder fehlerhafte Konfiguration (z. B. unbekannter Datensatz)
  3  nichts fehlgeschlagen, aber ein Datensatz wartet auf Freigabe"""

_COMMANDS: dict[str, tuple[str, str]] = {
    "": ("Veröffentlicht die Kennzahlen einer Kommunalverwaltung als offene Daten: prüfen, "
         "schützen, im lokalen Katalog und im CKAN-Portal veröffentlichen.",
         "Beispiele:\n  kennzahlen list\n  kennzahlen validate digitalisierung-kosten\n"
         "  kennzahlen publish --target local:/srv/opendata\n"
         "  kennzahlen <Befehl> --help      Hilfe zu einem Befehl"),
    "list": ("Zeigt die deklarierten Datensätze mit Titel und Ressourcen.",
             "Beispiele:\n  kennzahlen list\n  kennzahlen list --format json"),
    "validate": ("Prüft Datensätze, ohne sie zu veröffentlichen.",
                 "Beispiele:\n  kennzahlen validate digitalisierung-kosten\n"
                 "  kennzahlen validate --format json digitalisierung-kosten > bericht.json\n\n"
                 "Exit-Codes: 0 gültig, 1 ungültig, 2 falscher Aufruf."),
    "publish": ("Prüft Datensätze und veröffentlicht die gültigen in die angegebenen Ziele.",
                "Beispiele:\n  kennzahlen publish\n"
                "  kennzahlen publish --target local:/srv/opendata\n"
                "  kennzahlen publish digitalisierung-kosten --target ckan   "
                "(braucht CKAN_URL, CKAN_API_TOKEN)"),
    "run": ("Führt den nächtlichen Lauf einmal lokal unter Prefect aus.",
            "Beispiele:\n  kennzahlen run\n  kennzahlen run --target local --target ckan"),
    "review": ("Zeigt die Datensätze, die auf eine Freigabe warten, mit Gründen.",
               "Beispiele:\n  kennzahlen review\n  kennzahlen review --format json\n\n"
               "Exit-Codes: 0 gezeigt, 2 falscher Aufruf."),
    "approve": ("Gibt die zurückgehaltene Version eines Datensatzes frei und veröffentlicht "
                "genau diese.",
                "Beispiele:\n  kennzahlen approve digitalisierung-kosten --comment \"geprüft\"\n"
                "\nExit-Codes: 0 veröffentlicht, 1 nicht veröffentlicht, 2 falscher Aufruf "
                "(z. B. unbekannter Datensatz)."),
    "reject": ("Lehnt die zurückgehaltene Version ab; die bisherige bleibt veröffentlicht.",
               "Beispiele:\n  kennzahlen reject digitalisierung-kosten --comment "
               "\"Summe doppelt\"\n\nExit-Codes: 0 abgelehnt, 2 falscher Aufruf "
               "(z. B. unbekannter Datensatz)."),
    "history": ("Zeigt alle Veröffentlichungen und Entscheidungen zu einem Datensatz.",
                "Beispiele:\n  kennzahlen history digitalisierung-kosten"),
    "status": ("Zeigt den letzten Lauf und überfällige Datensätze.",
               "Beispiele:\n  kennzahlen status\n\nExit-Codes: 0 nichts überfällig, "
               "1 ein Datensatz ist überfällig, 2 falscher Aufruf."),
    "reference": ("Die Prüfregeln (DCAT-AP.de-Shapes) und Vokabulare für die Metadaten.",
                  "Beispiele:\n  kennzahlen reference download\n  kennzahlen reference path"),
    "download": ("Lädt Prüfregeln und Vokabulare aus ihren öffentlichen Quellen.",
                 "Beispiele:\n  kennzahlen reference download\n"
                 "  kennzahlen reference download --dir /srv/kennzahlen/reference"),
    "path": ("Zeigt, welcher Ordner mit Prüfregeln verwendet wird.",
             "Beispiele:\n  kennzahlen reference path\n\nExit-Codes: 0 gefunden, "
             "1 keine Prüfregeln gefunden."),
}
_BATCH = {"", "publish", "run"}
"""Commands whose exit codes are the full set (EXIT_CODES)."""

_ERRORS: tuple[tuple[str, str], ...] = (
    (r"the following arguments are required: (.*)", r"diese Angaben fehlen: \1"),
    (r"unrecognized arguments: (.*)", r"unbekannte Angaben: \1"),
    (r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)",
     r"Angabe \1: \2 ist nicht möglich (möglich: \3)"),
    (r"argument (\S+): expected one argument", r"Angabe \1 braucht einen Wert"),
    (r"argument (\S+): invalid (\S+) value: (.*)", r"Angabe \1: \3 ist kein gültiger Wert"),
    (r"argument (\S+): not allowed with argument (.*)", r"Angabe \1 geht nicht zusammen mit \2"),
    (r"ambiguous option: (\S+) could match (.*)", r"mehrdeutige Angabe \1 (passt zu \2)"),
    (r"argument (\S+): ignored explicit argument (.*)", r"Angabe \1 nimmt keinen Wert (\2)"),
    (r"argument (\S+): (.*)", r"Angabe \1: \2"),
)


def german_error(message: str) -> str:
    """argparse's English usage error in German (unknown ones stay as they are)."""
    for pattern, replacement in _ERRORS:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


def texts(command: str) -> dict[str, Any]:
    """`add_parser`/`ArgumentParser` keywords for `command`: German description and an epilog
    with examples and exit codes."""
    description, examples = _COMMANDS[command]
    epilog = f"{examples}\n\n{EXIT_CODES}" if command in _BATCH else examples
    return {"description": description, "epilog": epilog}


class GermanFormatter(argparse.RawDescriptionHelpFormatter):
    """Help text with a German usage prefix; description and epilog keep their line breaks."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, prefix if prefix is not None else "Aufruf: ")


class GermanParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and usage errors are German (also for its subcommands)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", GermanFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "Argumente"
        self._optionals.title = "Optionen"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="diese Hilfe zeigen und beenden")

    def error(self, message: str) -> NoReturn:
        """Print the usage and the German error, point to --help, exit 2."""
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: Fehler: {german_error(message)}\n"
                     f"Hilfe: {self.prog} --help\n")


def build_parser(handlers: dict[str, Callable[[argparse.Namespace], int]]
                 ) -> argparse.ArgumentParser:
    """The `kennzahlen` parser; `handlers` maps each command (for `reference`: `download`,
    `path`) to the function that runs it (set as `handler` on the parsed arguments)."""
    parser = GermanParser(prog="kennzahlen", **texts(""))
    parser.add_argument("--project", type=Path, metavar="ORDNER",
                        help="Ordner mit datapackages/ und schemas/ (Standard: "
                        "$KENNZAHLEN_PROJECT oder der nächste passende Ordner darüber)")
    commands = parser.add_subparsers(dest="command", required=True, title="Befehle",
                                     metavar="<Befehl>")
    formats = {"choices": ["text", "json"], "default": "text",
               "help": "Ausgabe als Text (Standard) oder JSON"}
    dataset = {"metavar": "DATENSATZ", "help": "Name eines Datensatzes (siehe kennzahlen list)"}
    some = {"nargs": "*", "metavar": "DATENSATZ", "help": "Datensätze (Standard: alle)"}
    by = {"help": "wer entscheidet (Standard: der angemeldete Benutzer)"}

    listing = commands.add_parser("list", help="deklarierte Datensätze zeigen", **texts("list"))
    listing.add_argument("--format", **formats)
    listing.set_defaults(handler=handlers["list"])

    check = commands.add_parser("validate", help="Datensätze prüfen, ohne zu veröffentlichen",
                                **texts("validate"))
    check.add_argument("datasets", **{**some, "nargs": "+", "help": "ein oder mehr Datensätze"})
    check.add_argument("--format", **formats)
    check.set_defaults(handler=handlers["validate"])

    publish = commands.add_parser("publish", help="Datensätze prüfen und veröffentlichen",
                                  **texts("publish"))
    publish.add_argument("datasets", **some)
    publish.add_argument("--target", action="append", metavar="ZIEL",
                         help="local, local:<Ordner> oder ckan (mehrfach möglich; Standard: "
                         "local)")
    publish.set_defaults(handler=handlers["publish"])

    nightly = commands.add_parser("run", help="den nächtlichen Lauf lokal unter Prefect "
                                  "ausführen", **texts("run"))
    nightly.add_argument("datasets", **some)
    nightly.add_argument("--target", action="append", metavar="ZIEL",
                         help="local, local:<Ordner> oder ckan (Standard: $KENNZAHLEN_TARGETS "
                         "oder local)")
    nightly.set_defaults(handler=handlers["run"])

    review = commands.add_parser("review", help="Datensätze zeigen, die auf Freigabe warten",
                                 **texts("review"))
    review.add_argument("--format", **formats)
    review.set_defaults(handler=handlers["review"])

    approve = commands.add_parser("approve", help="zurückgehaltene Version freigeben und "
                                  "veröffentlichen", **texts("approve"))
    approve.add_argument("dataset", **dataset)
    approve.add_argument("--comment", default="", metavar="TEXT",
                         help="warum (wird mit der Entscheidung gespeichert)")
    approve.add_argument("--by", metavar="NAME", **by)
    approve.add_argument("--target", action="append", metavar="ZIEL",
                         help="wohin (Standard: die Ziele des Laufs, der zurückgehalten hat)")
    approve.set_defaults(handler=handlers["approve"])

    reject = commands.add_parser("reject", help="zurückgehaltene Version ablehnen",
                                 **texts("reject"))
    reject.add_argument("dataset", **dataset)
    reject.add_argument("--comment", required=True, metavar="TEXT",
                        help="warum (Pflicht; wird mit der Entscheidung gespeichert)")
    reject.add_argument("--by", metavar="NAME", **by)
    reject.set_defaults(handler=handlers["reject"])

    history = commands.add_parser("history", help="Veröffentlichungen und Entscheidungen eines "
                                  "Datensatzes", **texts("history"))
    history.add_argument("dataset", **dataset)
    history.set_defaults(handler=handlers["history"])

    status = commands.add_parser("status", help="letzter Lauf; Exit 1, wenn ein Datensatz "
                                 "überfällig ist", **texts("status"))
    status.set_defaults(handler=handlers["status"])

    ref = commands.add_parser("reference", help="Prüfregeln und Vokabulare für die Metadaten",
                              **texts("reference"))
    ref_commands = ref.add_subparsers(dest="reference_command", required=True, title="Befehle",
                                      metavar="<Befehl>")
    fetch = ref_commands.add_parser("download", help="aus den öffentlichen Quellen laden",
                                    **texts("download"))
    fetch.add_argument("--dir", type=Path, metavar="ORDNER",
                       help="Zielordner (Standard: der Benutzer-Cache; KENNZAHLEN_REFERENCE "
                       "kann auf jeden anderen Ordner zeigen)")
    fetch.set_defaults(handler=handlers["download"])
    where = ref_commands.add_parser("path", help="zeigen, welcher Ordner verwendet wird",
                                    **texts("path"))
    where.set_defaults(handler=handlers["path"])
    return parser
