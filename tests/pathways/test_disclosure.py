"""Small cells on the public page: never shown, and never recoverable from what is shown.

The check is independent of the implementation: it enumerates every table a reader could
believe in, given what is published and the published rule, and asserts each "<10" cell
keeps at least two possible values.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.services.disclosure import HIDDEN, SMALL, WITHHELD, suppress


def possible_values(counts: dict[str, int]) -> dict[str, set[int]]:
    """What each cell could be, for a reader who sees the published table and its total."""
    cells = suppress(counts)
    total = sum(counts.values())
    ranges = []
    for cell in cells.values():
        if cell.mark == SMALL:
            ranges.append(range(1, 10))
        elif cell.mark == HIDDEN:
            ranges.append(range(10, total + 1))
        elif cell.mark == WITHHELD:
            ranges.append(range(0, total + 1))
        else:
            ranges.append(range(cell.value, cell.value + 1))
    if any(len(r) == 0 for r in ranges):  # no table fits what is published
        return {key: set() for key in cells}
    if total < 10:  # the total is not public: each cell is anything in its range
        return {key: set(r) for key, r in zip(cells, ranges, strict=True)}
    # The total is public from 10 on: a value is possible when the other cells can make up the
    # rest. Sums of integer ranges are whole ranges, so "can make up" is a bounds check (the
    # same answer as enumerating every table, without its exponential cost).
    low, high = sum(r.start for r in ranges), sum(r.stop - 1 for r in ranges)
    seen: dict[str, set[int]] = {}
    for key, r in zip(cells, ranges, strict=True):
        rest_low, rest_high = low - r.start, high - (r.stop - 1)
        seen[key] = {v for v in r if rest_low <= total - v <= rest_high}
    return seen


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(0, 24), min_size=1, max_size=5))
def test_no_small_cell_can_be_worked_out(values: list[int]) -> None:
    counts = {f"c{i}": v for i, v in enumerate(values)}
    cells = suppress(counts)
    possible = possible_values(counts)
    for key, cell in cells.items():
        assert possible[key], "the true table must be one the reader could believe"
        assert counts[key] in possible[key]
        if 0 < counts[key] < 10:
            assert cell.shown is None, (counts, key)
            assert len(possible[key]) >= 2, (counts, key, cells)


def test_one_small_cell_takes_the_next_smallest_with_it() -> None:
    cells = suppress({"GT": 120, "SV": 4, "HN": 35})
    assert cells["SV"].mark == SMALL
    assert cells["HN"].mark == HIDDEN and cells["HN"].shown is None
    assert cells["GT"].shown == 120


def test_two_small_cells_that_could_only_be_ones_are_protected() -> None:
    cells = suppress({"F": 1, "X": 1, "M": 48})
    assert cells["F"].mark == cells["X"].mark == SMALL
    assert cells["M"].mark == HIDDEN  # else 50 - 48 = 2 = 1 + 1


def test_zero_and_large_cells_are_shown_as_they_are() -> None:
    cells = suppress({"US": 0, "CA": 15, "MX": 10})
    assert [c.shown for c in cells.values()] == [0, 15, 10]


def test_a_table_that_cannot_be_protected_shows_only_its_total() -> None:
    cells = suppress({"new": 1, "returning": 10})
    assert {c.mark for c in cells.values()} == {WITHHELD}


def test_nested_cells_are_protected_within_their_group() -> None:
    # The destination totals are public elsewhere: H-2B would be US minus H-2A.
    programs = {"US-H2A": 40, "US-H2B": 3, "CA-SAWP": 25, "CA-TFWP-LOW": 30}
    cells = suppress(programs, group_of=lambda code: code[:2])
    assert cells["US-H2B"].mark == SMALL and cells["US-H2A"].mark == HIDDEN
    assert cells["CA-SAWP"].shown == 25 and cells["CA-TFWP-LOW"].shown == 30
