"""Problems are data: one record per finding, with a stable kebab-case code.

Every stage reports what it finds as `Problem` records instead of raising, so one run shows every
problem at once, and reports can count, filter and compare them. Codes re-use frictionless's own
names where they mean the same thing (`type-error`, `missing-cell`, ...) and add ours here.
Messages are German because municipal staff read them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class ProblemType:
    """A registered problem code with the German text shown to staff."""

    code: str
    title: str
    """Short German title, e.g. for grouping in reports."""
    hint: str
    """German advice: what the data steward should do about it."""


@dataclass(frozen=True)
class Problem:
    """One finding about a dataset, a file, a row or a cell."""

    code: str
    message: str
    """German, complete sentence; never contains a secret."""
    dataset: str | None = None
    resource: str | None = None
    file: str | None = None
    """The file (or source location) the finding refers to, relative where possible."""
    row: int | None = None
    """Row number as the user sees it in the source file (1 = first line/row)."""
    field: str | None = None
    severity: Severity = "error"
    hint: str = ""
    details: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {key: value for key, value in data.items() if value not in (None, "", {})}

    def location(self) -> str:
        """A German description of where the problem is, for one-line output."""
        parts = []
        if self.dataset:
            parts.append(f"Datensatz {self.dataset}")
        if self.file:
            parts.append(f"Datei {self.file}")
        if self.row is not None:
            parts.append(f"Zeile {self.row}")
        if self.field:
            parts.append(f"Feld {self.field}")
        return ", ".join(parts)


_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00a0\u00ad\u061c\u180e"
                        "\u200b-\u200f\u2028-\u202f\u2060-\u2069\ufeff]")


def visible(text: object) -> str:
    """`text` for a message: every invisible or control character written as [U+XXXX], so
    «online\u200b» does not look like the allowed «online»."""
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", str(text))


_TYPES: dict[str, ProblemType] = {}


def register(code: str, title: str, hint: str) -> ProblemType:
    if not re.fullmatch(r"[a-z]+(-[a-z]+)*", code):
        raise ValueError(f"problem code must be kebab-case: code={code!r}")
    if code in _TYPES:
        raise ValueError(f"problem code registered twice: code={code!r}")
    _TYPES[code] = ProblemType(code, title, hint)
    return _TYPES[code]


def problem_type(code: str) -> ProblemType:
    return _TYPES[code]


def all_problem_types() -> list[ProblemType]:
    return list(_TYPES.values())


def make(code: str, message: str, **context: Any) -> Problem:
    """Build a problem whose hint comes from the registry (an unknown code is a programming
    error)."""
    ptype = _TYPES[code]
    context.setdefault("hint", ptype.hint)
    return Problem(code=code, message=message, **context)


# Codes shared with frictionless (same meaning, German text).
register("type-error", "Falscher Datentyp",
         "Korrigieren Sie den Wert in der Quelldatei oder passen Sie den Feldtyp im Table Schema "
         "an.")
register("constraint-error", "Regel des Schemas verletzt",
         "Prüfen Sie den Wert gegen die im Table Schema festgelegte Regel und korrigieren Sie die "
         "Quelle.")
register("missing-cell", "Zelle fehlt",
         "Die Zeile hat weniger Spalten als die Kopfzeile: Trennzeichen oder Zeilenumbrüche "
         "prüfen.")
register("extra-cell", "Zusätzliche Zelle",
         "Die Zeile hat mehr Spalten als die Kopfzeile: Trennzeichen im Text prüfen (z. B. ';').")
register("primary-key", "Schlüssel doppelt",
         "Jede Zeile muss über die Schlüsselfelder eindeutig sein: Dubletten in der Quelle "
         "entfernen.")
register("unique-error", "Wert doppelt",
         "Das Feld muss eindeutige Werte haben: Dubletten in der Quelle entfernen.")
register("missing-label", "Spalte fehlt",
         "Die Quelldatei enthält eine im Schema verlangte Spalte nicht: Export oder "
         "Spaltenzuordnung "
         "in dataset.yaml prüfen.")
register("extra-label", "Spalte nicht veröffentlicht",
         "Nichts zu tun, wenn die Spalte intern bleiben soll. Soll sie veröffentlicht werden, im "
         "Table Schema ergänzen.")
register("duplicate-label", "Spalte doppelt",
         "Die Kopfzeile enthält denselben Spaltennamen mehrfach: Export prüfen.")
register("blank-row", "Leere Zeile",
         "Die Zeile enthält in den veröffentlichten Spalten keinen Wert: in der Quelle entfernen.")
register("schema-error", "Table Schema ungültig",
         "Korrigieren Sie die Schema-Datei in schemas/ (siehe Table-Schema-Spezifikation).")
register("package-error", "Beschreibung (datapackage.yaml) ungültig",
         "Korrigieren Sie datapackage.yaml des Datensatzes (siehe Data-Package-Spezifikation).")
register("validation-fallback", "Langsamere Prüfung verwendet",
         "Nichts zu tun. Wer schneller prüfen will, verzichtet im Table Schema auf die genannte "
         "Angabe (siehe README, Abschnitt Benchmarks).")
register("streaming-not-possible", "Große Datei im Speicher verarbeitet",
         "Nichts zu tun, solange der Speicher des Rechners reicht. Große Dateien werden sonst "
         "stückweise verarbeitet; das verhindern die genannten Angaben (siehe README, Abschnitt "
         "Große Dateien).")
register("error-limit-reached", "Prüfung abgebrochen",
         "Es gibt sehr viele Fehler; beheben Sie die gemeldeten und prüfen Sie erneut.")

# Codes of our own.
register("source-missing", "Quelldatei fehlt",
         "Legen Sie die Datei an den in dataset.yaml angegebenen Ort oder korrigieren Sie den "
         "Pfad.")
register("source-encoding", "Zeichenkodierung passt nicht",
         "Prüfen Sie die in dataset.yaml angegebene Kodierung (z. B. cp1252 oder utf-8) gegen den "
         "Export.")
register("source-format", "Datei im falschen Format",
         "Die richtige Datei angeben oder in dataset.yaml die passende Art (kind) eintragen, wie "
         "in der Meldung genannt.")
register("too-many-columns", "Zu viele Spalten",
         "Die Datei hat mehr Spalten als erlaubt: oft das falsche Trennzeichen oder ein "
         "gedrehter Export. Export prüfen; ist die Breite richtig, source.max_columns in "
         "dataset.yaml erhöhen.")
register("table-empty", "Tabelle ohne Daten",
         "Der Export enthält nur die Kopfzeile oder leere Zeilen: Export in der Fachanwendung "
         "wiederholen. Darf die Tabelle leer sein, in dataset.yaml allow_empty: true angeben.")
register("cell-too-long", "Zelle zu lang",
         "Die Zelle in der Quelle kürzen; oft verrutschte Anführungszeichen. Ist der lange Text "
         "gewollt, source.max_cell_length in dataset.yaml erhöhen.")
register("text-cleaned", "Unsichtbare Zeichen entfernt",
         "Nichts zu tun: die Zeichen wurden vor der Veröffentlichung entfernt. Damit sie nicht "
         "wiederkommen, den Export in der Fachanwendung prüfen.")
register("text-bidi-control", "Steuerzeichen für die Schreibrichtung",
         "Die Zeichen in der Quelle entfernen: sie können Text anders anzeigen, als er "
         "gespeichert ist, und werden deshalb nicht veröffentlicht.")
register("source-unreadable", "Quelle nicht lesbar",
         "Prüfen Sie, ob die Datei im angegebenen Format vorliegt und nicht beschädigt ist.")
register("source-unreachable", "Quelle nicht erreichbar",
         "Adresse, Zugangsdaten und Netz prüfen; die vorherige Veröffentlichung bleibt bestehen.")
register("source-query-error", "Abfrage fehlgeschlagen",
         "Die Abfrage (query/table) in dataset.yaml gegen die Datenbank prüfen.")
register("source-rejected", "Quelle lehnt die Anfrage ab",
         "Adresse und Zugangsschlüssel der Schnittstelle prüfen (HTTP 4xx wird nicht wiederholt).")
register("config-error", "Konfiguration fehlerhaft",
         "Korrigieren Sie die genannte Angabe in datapackage.yaml, dataset.yaml oder der Umgebung.")
register("publish-failed", "Veröffentlichung fehlgeschlagen",
         "Die vorherige Version bleibt veröffentlicht. Ursache beheben und Lauf wiederholen.")
register("ckan-unreachable", "Portal nicht erreichbar",
         "Prüfen Sie CKAN_URL und die Netzverbindung; die vorherige Version bleibt veröffentlicht.")
register("ckan-not-authorized", "Keine Berechtigung im Portal",
         "Prüfen Sie CKAN_API_TOKEN: Der Token muss zu einem Konto mit Schreibrechten in der "
         "Organisation gehören.")
register("ckan-name-conflict", "Name im Portal belegt",
         "Der Kurzname ist im Portal bereits von einem Datensatz belegt, den dieses Konto nicht "
         "bearbeiten darf: anderen Namen wählen oder Rechte klären.")
register("ckan-rejected", "Portal hat die Daten abgelehnt",
         "Das Portal hat die Metadaten abgelehnt; die genannten Felder korrigieren.")
register("personal-data", "Personenbezogene Daten gefunden",
         "Den Wert in der Quelle entfernen oder anonymisieren. Darf er öffentlich sein (z. B. der "
         "Name einer Amtsleitung), in dataset.yaml unter protect.exceptions mit Begründung "
         "freigeben.")
register("personal-data-column", "Spalte mit personenbezogenen Daten",
         "Die Spalte aus Schema und Export entfernen oder, falls sie nichts Personenbezogenes "
         "enthält, in dataset.yaml unter protect.exceptions mit kinds: [label] freigeben.")
register("case-level-data", "Einzelfälle statt Kennzahlen",
         "Prüfen Sie, ob Einzelfälle veröffentlicht werden sollen. Meist ist eine Zählung gemeint: "
         "in dataset.yaml unter aggregate Zeitraum (period), Gruppen (group_by) und Maße "
         "(measures, z. B. count) angeben (siehe README, Abschnitt Aggregation).")
register("small-count-unprotected", "Kleine Fallzahl ungeschützt",
         "Das Feld in dataset.yaml unter protect.small_counts.fields aufnehmen, damit kleine Werte "
         "gesperrt werden.")
register("suppression-impossible", "Geheimhaltung nicht möglich",
         "Die Summen so veröffentlichen, dass kleine Werte nicht zurückgerechnet werden können "
         "(z. B. Gruppen zusammenfassen).")
register("suppression-audit-undecided", "Geheimhaltung nicht geprüft",
         "Die Tabelle in kleinere Tabellen teilen oder weniger Summen veröffentlichen, damit die "
         "Prüfung in der Zeit fertig wird; bis dahin wird der Datensatz nicht veröffentlicht.")
register("formula-neutralised", "Formel entschärft",
         "Nichts zu tun: der Text wird mit einem Apostroph davor veröffentlicht. Falls er keine "
         "Formel sein soll, die Quelle prüfen.")
register("upload-mismatch", "Hochgeladene Datei weicht ab",
         "Die Datei im Portal stimmt nicht mit der hochgeladenen überein; Lauf wiederholen.")
register("rule-violated", "Geschäftsregel verletzt",
         "Prüfen Sie die genannten Werte in der Quelle und korrigieren Sie sie. Ist die Regel "
         "selbst überholt, passen Sie sie in rules.yaml des Datensatzes an.")
register("rule-invalid", "Geschäftsregel fehlerhaft",
         "Korrigieren Sie die genannte Regel in rules.yaml: Name der Erwartung (Great "
         "Expectations 1.x), ihre Angaben unter kwargs und die Feldnamen prüfen.")
register("plausibility-row-count", "Zeilenzahl stark verändert",
         "Prüfen Sie, ob der Export vollständig ist und der Zeitraum stimmt. Ist die Änderung "
         "gewollt, ist nichts zu tun.")
register("plausibility-sum", "Summe stark verändert",
         "Vergleichen Sie die Zahlen mit der Fachanwendung: eine Verdopplung deutet oft auf einen "
         "doppelten Export hin. Ist die Änderung echt, ist nichts zu tun.")
register("plausibility-category", "Kategorie neu oder weggefallen",
         "Prüfen Sie, ob die Kategorie umbenannt wurde oder im Export fehlt. Ist die Änderung "
         "gewollt, ist nichts zu tun.")
register("plausibility-period", "Zeitraum fehlt oder wurde nachträglich geändert",
         "Bereits veröffentlichte Zeiträume sollten unverändert bleiben: prüfen Sie, ob der "
         "Export den ganzen Zeitraum umfasst oder ob die Fachanwendung Zahlen korrigiert hat.")
register("plausibility-unavailable", "Letzte Veröffentlichung nicht abrufbar",
         "Der Vergleich mit der letzten Veröffentlichung entfällt in diesem Lauf. Erreichbarkeit "
         "des Ziels prüfen; beim nächsten Lauf wird erneut verglichen.")
register("plausibility-status-backwards", "Status einer Maßnahme zurückgesetzt",
         "Prüfen Sie, ob der Status im Maßnahmenplan stimmt (z. B. umgesetzt → in Umsetzung). "
         "Ist er richtig, die neue Fassung freigeben.")
register("plausibility-measure-removed", "Maßnahme aus dem Plan verschwunden",
         "Eine Maßnahme sollte nicht gelöscht, sondern als entfallen oder zurückgestellt "
         "gekennzeichnet werden, damit der Fortschrittsbericht es zeigt. Ist das Löschen gewollt, "
         "die neue Fassung freigeben.")
register("progress-report-incomplete", "Fortschrittsbericht unvollständig",
         "Der Fortschrittsbericht wurde ohne den genannten Teil erstellt. Ursache beheben (siehe "
         "Meldung); beim nächsten Lauf wird er vollständig erstellt.")
register("member-left-out", "Mitglied nicht in der gemeinsamen Tabelle",
         "Die Daten des Mitglieds sind in diesem Lauf nicht geprüft und veröffentlicht worden "
         "(siehe Meldung und den Bericht zum Datensatz des Mitglieds). Ursache dort beheben; "
         "beim nächsten Lauf kommt es wieder hinzu.")
register("members-none", "Kein Mitglied mit gültigen Daten",
         "Keines der Mitglieder hat in diesem Lauf geprüfte, veröffentlichte Daten geliefert. "
         "Die Berichte der Datensätze der Mitglieder zeigen, warum.")
