"""Cell suppression: nothing below the threshold is shown, and no hidden cell can be worked out."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from portal.disclosure import Equation, primary, protect, publish, share

T = 5


def grid(table: Sequence[Sequence[int]]) -> tuple[dict[Hashable, int], list[Equation]]:
    """Return the cells and equations of a table with row totals, column totals and a grand total."""
    rows, cols = len(table), len(table[0])
    values: dict[Hashable, int] = {}
    for i in range(rows):
        for j in range(cols):
            values[(i, j)] = table[i][j]
        values[(i, "total")] = sum(table[i])
    for j in range(cols):
        values[("total", j)] = sum(table[i][j] for i in range(rows))
    values[("total", "total")] = sum(map(sum, table))
    eqs = [Equation((i, "total"), tuple((i, j) for j in range(cols))) for i in range(rows)]
    eqs += [Equation(("total", j), tuple((i, j) for i in range(rows))) for j in range(cols)]
    eqs.append(Equation(("total", "total"), tuple((i, "total") for i in range(rows))))
    eqs.append(Equation(("total", "total"), tuple(("total", j) for j in range(cols))))
    return values, eqs


def derivable(values: dict[Hashable, int], eqs: Iterable[Equation], hidden: set[Hashable]) -> set[Hashable]:
    """Return the hidden cells an attacker pins down from the shown ones (exact rational elimination)."""
    unknowns = sorted(hidden, key=repr)
    col = {c: i for i, c in enumerate(unknowns)}
    matrix: list[list[Fraction]] = []
    for e in eqs:
        row = [Fraction(0)] * len(unknowns)
        for cell, sign in [(e.total, 1), *[(m, -1) for m in e.members]]:
            if cell in hidden:
                row[col[cell]] += sign
        if any(row):
            matrix.append(row)
    # reduced row echelon form; a cell is determined when some row is the unit vector along it
    pivots: list[int] = []
    r = 0
    for c in range(len(unknowns)):
        pivot = next((i for i in range(r, len(matrix)) if matrix[i][c] != 0), None)
        if pivot is None:
            continue
        matrix[r], matrix[pivot] = matrix[pivot], matrix[r]
        p = matrix[r][c]
        matrix[r] = [x / p for x in matrix[r]]
        for i in range(len(matrix)):
            if i != r and matrix[i][c] != 0:
                f = matrix[i][c]
                matrix[i] = [a - f * b for a, b in zip(matrix[i], matrix[r], strict=True)]
        pivots.append(c)
        r += 1
    found = set()
    for i in range(r):
        nonzero = [c for c, x in enumerate(matrix[i]) if x != 0]
        if len(nonzero) == 1:
            found.add(unknowns[nonzero[0]])
    # non-negativity: hidden members of a shown total that must sum to zero are all zero
    for e in eqs:
        members = [m for m in e.members if m in hidden]
        if e.total not in hidden and members and sum(values[m] for m in members) == 0:
            found.update(members)
    return found


tables = st.integers(1, 6).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.one_of(st.integers(0, 6), st.integers(0, 60)), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
@example([[0, 0], [1, 5]])  # zeros hidden as partners are pinned by a zero total: harmless, zeros are published
def test_no_small_cell_is_shown_and_none_is_derivable(table: list[list[int]]) -> None:
    values, eqs = grid(table)
    hidden = protect(values, eqs, T)
    shown = publish(values, hidden)
    assert not [c for c, v in shown.items() if v is not None and primary(v, T)]
    # zeros are shown on purpose (they point at nobody), so only a derivable non-zero count is a disclosure
    assert {c for c in derivable(values, eqs, hidden) if values[c] != 0} == set()


@pytest.mark.parametrize(
    ("table", "expected_hidden"),
    [
        # nothing small: nothing hidden
        ([[10, 20], [30, 40]], set()),
        # one small cell: its row and column partners, and the cell that closes the rectangle
        ([[3, 20], [30, 40]], {(0, 0), (0, 1), (1, 0), (1, 1)}),
        # two small cells in one row protect each other in that row; their columns need partners too
        ([[2, 3, 50], [10, 12, 60]], {(0, 0), (0, 1), (1, 0), (1, 1)}),
        # zeros are shown and never chosen as partners when a non-zero cell will do
        ([[0, 2, 30], [0, 40, 50], [0, 60, 70]], {(0, 1), (0, 2), (1, 1), (1, 2)}),
    ],
)
def test_examples(table: list[list[int]], expected_hidden: set[tuple[int, int]]) -> None:
    values, eqs = grid(table)
    hidden = protect(values, eqs, T)
    assert {c for c in hidden if "total" not in c} == expected_hidden
    assert derivable(values, eqs, hidden) == set()


def test_a_total_below_the_threshold_hides_its_row() -> None:
    values, eqs = grid([[1, 2], [20, 30]])
    hidden = protect(values, eqs, T)
    assert {(0, 0), (0, 1), (0, "total")} <= hidden
    assert derivable(values, eqs, hidden) == set()


def test_fixed_cells_keep_their_state_and_are_protected_too() -> None:
    # a region's total (from another table) is hidden; its two authorities must not reveal it
    values = {"region": 12, "a": 6, "b": 6}
    eqs = [Equation("region", ("a", "b"))]
    hidden = protect(values, eqs, T, fixed={"region": True})
    assert "region" in hidden and hidden & {"a", "b"}
    assert protect(values, eqs, T, fixed={"region": False}) == set()


def test_nested_tables_hide_a_partner_in_the_parent_group() -> None:
    # London = Camden + Hackney is published; Camden's 3 forms need a partner inside London, not elsewhere
    values = {"all": 60, "london": 20, "north": 40, "camden": 3, "hackney": 17, "leeds": 40}
    eqs = [
        Equation("all", ("london", "north")),
        Equation("london", ("camden", "hackney")),
        Equation("north", ("leeds",)),
    ]
    hidden = protect(values, eqs, T)
    assert hidden == {"camden", "hackney"}
    assert derivable(values, eqs, hidden) == set()


def test_an_equation_with_an_unknown_cell_is_an_error() -> None:
    with pytest.raises(KeyError):
        protect({"a": 1}, [Equation("a", ("b",))], T)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (3, 6, 0.5),
        (None, 6, None),
        (3, None, None),
        (0, 0, None),
        (0, 10, 0.0),
    ],
)
def test_share_is_hidden_with_its_numerator_or_denominator(
    numerator: int | None, denominator: int | None, expected: float | None
) -> None:
    assert share(numerator, denominator) == expected
