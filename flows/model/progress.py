"""The progress report of a measures plan as data: what `flows/stages/progress.py` computes and
`flows/adapters/local/progress_html.py` renders (HTML, and from it the PDF)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Measure:
    """One measure of the plan, as published (text cells, '' = no value)."""

    id: str
    field_of_action: str
    title: str
    status: str
    responsible: str = ""
    start: str = ""
    end: str = ""
    costs: tuple[float | None, ...] = ()
    remark: str = ""


CHANGE_KINDS = ("new", "finished", "status", "postponed", "dropped", "backwards", "removed")
"""Kinds of change, in the order the report lists them."""


@dataclass(frozen=True)
class Change:
    """What happened to one measure since the last report."""

    kind: str
    """One of `CHANGE_KINDS`."""
    measure: Measure
    """The measure now (for `removed`: as it was)."""
    old_status: str = ""


@dataclass(frozen=True)
class FigureValue:
    """A linked key figure, ready to show: a label and its values ('2025: 31,4 %')."""

    field_of_action: str
    title: str
    source: str
    """Dataset title (slug), for the reader."""
    values: tuple[tuple[str, str], ...] = ()
    """(period or '', formatted value); empty when the dataset is not published yet."""


@dataclass
class FieldOfAction:
    """One field of action with its measures, counts, changes, overdue measures and figures."""

    name: str
    measures: list[Measure] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    """Status → number of measures, in the order of the declared vocabulary."""
    costs: tuple[float, ...] = ()
    """Sum per declared cost field."""
    changes: list[Change] = field(default_factory=list)
    overdue: list[Measure] = field(default_factory=list)
    figures: list[FigureValue] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        """An id for links to this section."""
        return "hf-" + "".join(c if c.isalnum() else "-" for c in self.name.lower()).strip("-")


@dataclass
class ProgressReport:
    """The whole report (see flows/stages/progress.py)."""

    title: str
    dataset: str
    dataset_title: str
    as_of: str
    """Date of the plan's state (ISO), the report's date."""
    statuses: list[str]
    """The status vocabulary in the order of implementation."""
    done_statuses: list[str]
    cost_labels: list[str]
    fields: list[FieldOfAction] = field(default_factory=list)
    period: tuple[str, str] | None = None
    previous_as_of: str | None = None
    """Date of the plan the last report showed; None for a first report."""
    first: bool = True
    """No earlier publication to compare with."""

    @property
    def measures(self) -> int:
        return sum(len(f.measures) for f in self.fields)

    def total(self, status: str) -> int:
        return sum(f.counts.get(status, 0) for f in self.fields)

    @property
    def changes(self) -> list[Change]:
        return [c for f in self.fields for c in f.changes]

    @property
    def overdue(self) -> list[Measure]:
        return [m for f in self.fields for m in f.overdue]
