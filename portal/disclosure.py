"""Statistical disclosure control: hide small counts, and enough others that none can be worked out.

A published table is a set of cells (counts) tied together by equations ``total = sum(members)``: row totals,
column totals, a region's total over its local authorities. Protection has two steps:

1. **Primary suppression** hides every count from 1 to ``threshold - 1``. Zeros are published: a zero says
   that no form in a group did something, which points at nobody, and hiding zeros would only make them
   derivable again (hidden cells that sum to a published 0 must all be 0).
2. **Secondary suppression** hides more cells until no hidden cell can be worked out from what is shown: while
   an equation has exactly one hidden cell, the smallest shown non-zero member of that equation is hidden too
   (the standard heuristic: it loses the least information); then an exact check solves the whole linear
   system (every equation, across tables) and hides a partner for any hidden cell it still pins down, and the
   loop runs again until nothing changes.

Cells whose fate another published table already decided are passed in ``fixed``: they keep their state, so
the same number is never hidden in one table and shown in another.

The guarantee is against exact derivation (by linear algebra, and by non-negativity when hidden members of a
published total must sum to zero). As with any cell suppression, a reader can still bound a hidden cell
between zero and the sum it shares with its partners.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Equation:
    """A published identity between cells: ``total`` is the sum of ``members``."""

    total: Hashable
    members: tuple[Hashable, ...]

    @property
    def cells(self) -> tuple[Hashable, ...]:
        """Return every cell of the equation, the total first."""
        return (self.total, *self.members)


def primary(value: int, threshold: int) -> bool:
    """Tell whether a count is too small to publish on its own."""
    return 0 < value < threshold


def protect(
    values: Mapping[Hashable, int],
    equations: Iterable[Equation],
    threshold: int,
    fixed: Mapping[Hashable, bool] | None = None,
) -> set[Hashable]:
    """Return the cells to hide so that no count below ``threshold`` is shown or can be worked out.

    ``values`` holds every cell (non-negative counts); ``equations`` tie them together; ``fixed`` maps cells
    whose state another table has already decided (True = hidden) and which must not change.
    """
    fixed = dict(fixed or {})
    eqs = [e for e in equations]
    for e in eqs:
        for cell in e.cells:
            if cell not in values:
                raise KeyError(f"equation cell {cell!r} has no value")
    order = {cell: i for i, cell in enumerate(values)}
    hidden: set[Hashable] = {
        c for c, v in values.items() if (fixed[c] if c in fixed else primary(v, threshold))
    }
    by_cell: dict[Hashable, list[Equation]] = {}
    for e in eqs:
        for cell in e.cells:
            by_cell.setdefault(cell, []).append(e)

    def partner(candidates: Iterable[Hashable], totals: set[Hashable]) -> Hashable | None:
        """Pick the cell to hide next: a shown, free cell; members before totals, non-zero, smallest."""
        free = [c for c in candidates if c not in hidden and c not in fixed]
        if not free:
            return None
        return min(free, key=lambda c: (c in totals, values[c] == 0, values[c], order[c]))  # type: ignore[index]

    while True:
        _close(eqs, values, hidden, partner)
        pinned = _determined(eqs, hidden)
        if not pinned:
            return hidden
        cell = min(pinned, key=lambda c: order[c])
        related = by_cell.get(cell, [])
        choice = partner((c for e in related for c in e.members), {e.total for e in related})
        if choice is None:
            choice = partner((c for e in related for c in e.cells), set())
        if choice is None:
            raise ValueError(f"cell {cell!r} is pinned down by fixed cells alone: the fixed tables leak it")
        hidden.add(choice)  # type: ignore[arg-type]


def _close(eqs: list[Equation], values: Mapping, hidden: set, partner: object) -> None:
    """Hide partners until no equation has a single hidden cell or hidden members summing to a shown zero."""
    changed = True
    while changed:
        changed = False
        for e in eqs:
            unknown = [c for c in e.cells if c in hidden]
            members_hidden = [c for c in e.members if c in hidden]
            lone = len(unknown) == 1
            zero_sum = (
                e.total not in hidden and members_hidden and sum(values[c] for c in members_hidden) == 0
            )
            if not (lone or zero_sum):
                continue
            if zero_sum:
                pool = [c for c in e.members if values[c] > 0]
                choice = partner(pool, set())  # type: ignore[operator]
            else:
                choice = partner(e.members, set()) or partner((e.total,), {e.total})  # type: ignore[operator]
            if choice is not None:
                hidden.add(choice)
                changed = True


def _determined(eqs: list[Equation], hidden: set) -> list[Hashable]:
    """Return the hidden cells that the equations determine exactly, given every shown cell."""
    parent: dict[Hashable, Hashable] = {c: c for c in hidden}

    def find(c: Hashable) -> Hashable:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    rows: list[dict[Hashable, float]] = []
    for e in eqs:
        row: dict[Hashable, float] = {}
        if e.total in hidden:
            row[e.total] = row.get(e.total, 0.0) + 1.0
        for m in e.members:
            if m in hidden:
                row[m] = row.get(m, 0.0) - 1.0
        row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        rows.append(row)
        first, *rest = row
        for c in rest:
            parent[find(c)] = find(first)
    groups: dict[Hashable, list[dict[Hashable, float]]] = {}
    for row in rows:
        groups.setdefault(find(next(iter(row))), []).append(row)
    pinned: list[Hashable] = []
    for group in groups.values():
        cells = sorted({c for row in group for c in row}, key=repr)
        index = {c: i for i, c in enumerate(cells)}
        matrix = np.zeros((len(group), len(cells)))
        for i, row in enumerate(group):
            for c, v in row.items():
                matrix[i, index[c]] = v
        # A cell is determined exactly when every solution of the homogeneous system leaves it at zero,
        # that is when the null space has no component along it.
        _, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9 * max(matrix.shape)).sum())
        null = vt[rank:]
        for c, i in index.items():
            if null.shape[0] == 0 or np.all(np.abs(null[:, i]) < 1e-9):
                pinned.append(c)
    return pinned


def share(numerator: int | None, denominator: int | None) -> float | None:
    """Return numerator/denominator, or None when either is hidden or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def publish(values: Mapping[Hashable, int], hidden: set[Hashable]) -> dict[Hashable, int | None]:
    """Return the values as published: None for every hidden cell."""
    return {c: (None if c in hidden else v) for c, v in values.items()}
