"""Small-cell suppression for the public figures: no count of fewer than 10 people is shown,
and none can be worked out from the totals that are.

The rule (spelled out on the public page):

1. A cell of 1 to 9 people is shown as "<10" (primary suppression). A cell of 0 is shown:
   it is no one.
2. A table's cells add up to a total that is public (the count itself, or a figure of another
   table). Whenever the public figures would still pin a hidden cell down to one value — for
   a single hidden cell, the total minus the others gives it — the smallest other non-zero
   cell is hidden too (secondary suppression, shown as "—"), and again until none can be.
   Someone who knows this rule knows a "<10" cell is 1-9 and a "—" cell at least 10, and
   the check takes that into account.
3. If hiding every cell still would not do (a table of one "<10" cell and one of exactly 10),
   no cell of the table is shown, only its total.
4. When the total itself is under 10 it is shown as "<10" and every non-zero cell is too.

Tables whose cells nest in another table's cells (programs in destination countries,
departments in countries) are protected group by group, as if each group's sum were public:
one cell in a country's group could otherwise be worked out from the country's figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

THRESHOLD = 10
SMALL, HIDDEN, WITHHELD = "small", "hidden", "withheld"


@dataclass(frozen=True)
class Cell:
    """A published cell: ``shown`` is the count, or None when ``mark`` says why not."""

    value: int
    mark: str = ""

    @property
    def shown(self) -> int | None:
        return None if self.mark else self.value


def suppress(
    counts: Mapping[str, int], *, group_of: Callable[[str], str] | None = None
) -> dict[str, Cell]:
    """Each count as a published cell (the rule above), in the same order."""
    groups: dict[str, list[str]] = {}
    for key in counts:
        groups.setdefault(group_of(key) if group_of else "", []).append(key)
    out: dict[str, Cell] = {}
    for keys in groups.values():
        out.update(_protect({k: counts[k] for k in keys}))
    return {key: out[key] for key in counts}


def total_cell(total: int) -> Cell:
    return Cell(total, SMALL if 0 < total < THRESHOLD else "")


def _protect(counts: Mapping[str, int]) -> dict[str, Cell]:
    total = sum(counts.values())
    small = {k for k, v in counts.items() if 0 < v < THRESHOLD}
    if total < THRESHOLD:  # the total is hidden too: nothing to subtract from
        return {k: Cell(v, SMALL if k in small else "") for k, v in counts.items()}
    hidden: set[str] = set()
    while pinned(counts, small, hidden):
        candidates = sorted(
            (v, k) for k, v in counts.items() if v and k not in small and k not in hidden
        )
        if not candidates:
            return {k: Cell(v, WITHHELD) for k, v in counts.items()}
        hidden.add(candidates[0][1])
    return {
        k: Cell(v, SMALL if k in small else HIDDEN if k in hidden else "")
        for k, v in counts.items()
    }


def pinned(counts: Mapping[str, int], small: Iterable[str], hidden: Iterable[str]) -> bool:
    """Whether the public figures leave a "<10" cell only one possible value.

    Known to the reader: every shown cell, the total, that each "<10" cell is 1-9 and each
    "—" cell at least 10. So the hidden cells add up to a known ``s``, and a "<10" cell can
    be anything from 1 (or ``s`` minus 9 for each other small cell, when no "—" cell can
    take the rest) to ``s`` minus 1 for each other small cell and 10 for each "—" cell.
    """
    small, hidden = set(small), set(hidden)
    if not small:
        return False
    s = sum(counts[k] for k in small | hidden)
    others = len(small) - 1
    lowest = 1 if hidden else max(1, s - 9 * others)
    highest = min(THRESHOLD - 1, s - others - THRESHOLD * len(hidden))
    return lowest >= highest
