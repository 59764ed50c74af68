"""Small-count suppression: no published count under 5, and no hidden number recoverable.

The checks here are written apart from the algorithm. Recoverable exactly, by linear algebra:
a hidden number is determined by the published ones when dropping its unknown lowers the rank
of the system of row, column and grand-total equations (numpy). Recoverable with the bounds
(counts are never negative): for each hidden number a second table is built here, with every
published number the same and all counts >= 0, in which that number differs.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from berdaya.reports.suppression import suppress

small_counts = st.integers(min_value=0, max_value=30) | st.integers(min_value=0, max_value=6)


@st.composite
def tables(draw):
    rows = draw(st.integers(min_value=1, max_value=6))
    cols = draw(st.integers(min_value=1, max_value=5))
    return [[draw(small_counts) for _ in range(cols)] for _ in range(rows)]


def numbers(table):
    """Every number a published table has, by its key, with the true values."""
    rows, cols = len(table), len(table[0])
    out = {("cell", i, j): table[i][j] for i in range(rows) for j in range(cols)}
    out.update({("row", i): sum(table[i]) for i in range(rows)})
    out.update({("col", j): sum(table[i][j] for i in range(rows)) for j in range(cols)})
    out[("total",)] = sum(map(sum, table))
    return out


def equations(table):
    """Each equation as {key: coefficient} = 0: rows, columns, and the totals' totals."""
    rows, cols = len(table), len(table[0])
    eqs = []
    for i in range(rows):
        eqs.append({("row", i): -1, **{("cell", i, j): 1 for j in range(cols)}})
    for j in range(cols):
        eqs.append({("col", j): -1, **{("cell", i, j): 1 for i in range(rows)}})
    eqs.append({("total",): -1, **{("row", i): 1 for i in range(rows)}})
    eqs.append({("total",): -1, **{("col", j): 1 for j in range(cols)}})
    return eqs


def shown(result, table):
    values = numbers(table)
    rows, cols = len(table), len(table[0])
    published = {}
    for i, j in itertools.product(range(rows), range(cols)):
        published[("cell", i, j)] = result.cells[i][j]
    for i in range(rows):
        published[("row", i)] = result.row_totals[i]
    for j in range(cols):
        published[("col", j)] = result.col_totals[j]
    published[("total",)] = result.total
    return values, published


def linearly_determined(table, hidden, key) -> bool:
    unknowns = sorted(hidden)
    matrix = np.array([[eq.get(u, 0) for u in unknowns] for eq in equations(table)], float)
    if not unknowns:
        return False
    without = np.delete(matrix, unknowns.index(key), axis=1)
    return np.linalg.matrix_rank(matrix) == np.linalg.matrix_rank(without) + 1


def other_table(table, hidden, key):
    """Another non-negative table that publishes the same, with `key` different (or None).

    Search: a closed walk through `key` over hidden numbers, as a circulation (S -> row ->
    column -> K -> S); one unit off the numbers walked forward, one onto those walked back."""
    rows, cols = len(table), len(table[0])
    values = numbers(table)
    ends = {}
    for i in range(rows):
        ends[("row", i)] = ("S", f"r{i}")
        for j in range(cols):
            ends[("cell", i, j)] = (f"r{i}", f"c{j}")
    for j in range(cols):
        ends[("col", j)] = (f"c{j}", "K")
    ends[("total",)] = ("K", "S")
    start, goal = ends[key][1], ends[key][0]
    # Breadth-first over (node), remembering how each was reached, never reusing `key`.
    came = {start: None}
    todo = [start]
    while todo and goal not in came:
        node = todo.pop(0)
        for k in sorted(hidden - {key}):
            a, b = ends[k]
            for here, there, forward in ((a, b, True), (b, a, False)):
                if here == node and there not in came:
                    came[there] = (node, k, forward)
                    todo.append(there)
    if goal not in came:
        return None
    change = {key: -1}
    node = goal
    while came[node] is not None:
        prev, k, forward = came[node]
        change[k] = change.get(k, 0) + (-1 if forward else 1)
        node = prev
    new = {k: values[k] + change.get(k, 0) for k in values}
    if any(v < 0 for v in new.values()):
        return None
    return new


def consistent(table, values) -> bool:
    return all(sum(c * values[k] for k, c in eq.items()) == 0 for eq in equations(table))


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_small_count_is_published_and_none_hidden_can_be_recovered(table):
    result = suppress(table)
    values, published = shown(result, table)
    for key, value in published.items():
        if value is not None:
            # What is published is true, and never a small count.
            assert value == values[key]
            assert not 0 < value < 5, (key, value)
        else:
            assert key in result.hidden
    assert result.primary <= result.hidden
    assert {k for k, v in values.items() if 0 < v < 5} == set(result.primary)
    # Zero means none: never hidden.
    assert all(values[k] > 0 for k in result.hidden)
    for key in result.hidden:
        assert not linearly_determined(table, result.hidden, key), (table, key)
        other = other_table(table, result.hidden, key)
        assert other is not None, (table, key)
        assert consistent(table, other)
        assert other[key] != values[key]
        assert all(other[k] == values[k] for k in values if k not in result.hidden)


def test_a_lone_small_cell_takes_a_partner_in_its_row_and_its_column():
    table = [[3, 20, 30], [40, 50, 60], [70, 80, 90]]
    result = suppress(table)
    assert result.cells[0][0] is None
    hidden_in_row = sum(v is None for v in result.cells[0])
    hidden_in_col = sum(result.cells[i][0] is None for i in range(3))
    assert hidden_in_row >= 2 and hidden_in_col >= 2
    # The cheapest complements: a rectangle of inner cells, totals all published.
    assert result.row_totals == [53, 150, 240] and result.total == 443
    assert len(result.hidden) == 4


def test_a_table_without_small_counts_is_published_whole():
    table = [[5, 0, 12], [7, 9, 0]]
    result = suppress(table)
    assert result.hidden == frozenset()
    assert result.cells == table and result.total == 33


def test_a_single_small_total_is_hidden_with_what_gives_it_back():
    # One region with 2 units in one programme: its cell, its row total, and their partners.
    table = [[2, 0], [0, 0], [10, 8]]
    result = suppress(table)
    assert result.cells[0][0] is None and result.row_totals[0] is None
    for key in result.hidden:
        assert not linearly_determined(table, result.hidden, key)


def test_bad_tables_are_refused():
    import pytest

    with pytest.raises(ValueError):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError):
        suppress([[-1, 2]])
