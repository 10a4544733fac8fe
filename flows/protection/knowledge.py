"""What an attacker knows about a table of counts, and what the audit concludes: the data of
`flows.protection.audit` (cells are numbered; a published sum is a `Group`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Group:
    """Cells whose sum is published: `members` sum to the cell `total`, or to a figure published
    elsewhere when `total` is None."""

    members: tuple[int, ...]
    total: int | None = None

    def cells(self) -> tuple[int, ...]:
        return self.members + ((self.total,) if self.total is not None else ())


@dataclass(frozen=True)
class Interval:
    """The values a hidden cell can take in the attacker's eyes; `high` None: no upper bound."""

    low: int
    high: int | None

    @property
    def width(self) -> int | None:
        return None if self.high is None else self.high - self.low


@dataclass
class Knowledge:
    """What is published and what an attacker knows about a table of counts (cell indices)."""

    values: list[int | None]
    """True values (None: not a number, an attacker does not know it either)."""
    groups: list[Group]
    k: int
    primary: set[int]
    """Cells hidden because they are small: in [1, k−1] (or [0, k−1] with `zeros`)."""
    zeros: bool = False
    positive: set[int] = field(default_factory=set)
    """Cells known to be ≥ 1 (a row that exists only when it counts a case)."""
    sensitive: set[int] | None = None
    """Cells the small-count rule applies to (None: all); a hidden one that is not primary is
    known not to be small."""

    hideable: set[int] | None = None
    """Cells secondary suppression may hide (None: all); a sibling resource's sums are
    published as they are unless it declares small counts itself."""

    def not_small(self, cell: int) -> bool:
        return cell not in self.primary and (self.sensitive is None or cell in self.sensitive)

    def floor(self, cell: int) -> int:
        return 1 if cell in self.positive else 0


@dataclass
class AuditResult:
    intervals: dict[int, Interval]
    undecided: set[int]
    """Hidden cells whose range the solver could not settle in time (not safe)."""

    def narrowest(self) -> int | None:
        widths = [i.width for i in self.intervals.values() if i.width is not None]
        return min(widths) if widths else None
