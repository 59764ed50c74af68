"""Small-count suppression with complementary suppression for published tables.

A table of counts is published with its row totals, column totals and grand total. Every
count from 1 to `threshold - 1` is hidden (primary suppression): a small count can single out
a person. Hiding it alone is not enough, since a row total minus the row's other cells gives
it back; so more cells are hidden (complementary suppression) until no hidden cell can be
worked out from what is published.

How: the table with its margins is a circulation on a graph. Nodes are S, K, one node per
row and one per column; every published number is the flow on one edge: S -> row i (the row
total), row i -> column j (a cell), column j -> K (the column total), K -> S (the grand total).
Every node balances (a row's cells add up to its total, and so on). Hidden numbers are the
unknown flows. If a hidden edge lies on a cycle of hidden edges, moving one unit around that
cycle (one less on the edges traversed forward, one more on those traversed backward) gives
another table, with non-negative counts and every published number unchanged, in which the
hidden cell differs: it cannot be recovered. A hidden edge on no such cycle (a bridge of the
hidden edges) is determined by the published ones. So: while a hidden edge is a bridge, hide
the cheapest path of positive cells that closes a cycle through it (Dijkstra; the cost of a
path is what it hides, totals costing more than inner cells, and the grand total most). A
path of positive cells always exists: a circulation decomposes into cycles of positive flow,
so every positive edge lies on one. Zeros are never hidden (publishing "none" discloses no
one), and every hidden number is positive, which is what makes the one-unit move valid.

Pure Python, no Django: tests drive it with hypothesis (tests/reports/test_suppression.py).
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass

# An edge of the table: ("cell", i, j), ("row", i), ("col", j) or ("total",).
Key = tuple
THRESHOLD = 5
_COST = {"cell": 1, "row": 4, "col": 4, "total": 100}


@dataclass(frozen=True)
class Published:
    """A suppressed table: None where a number is hidden."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    col_totals: list[int | None]
    total: int | None
    hidden: frozenset[Key]
    primary: frozenset[Key]

    @property
    def hidden_count(self) -> int:
        return len(self.hidden)


def _edges(table: Sequence[Sequence[int]]) -> dict[Key, tuple[str, str, int]]:
    rows = len(table)
    cols = len(table[0]) if rows else 0
    edges: dict[Key, tuple[str, str, int]] = {}
    for i in range(rows):
        edges[("row", i)] = ("S", f"r{i}", sum(table[i]))
        for j in range(cols):
            edges[("cell", i, j)] = (f"r{i}", f"c{j}", table[i][j])
    for j in range(cols):
        edges[("col", j)] = (f"c{j}", "K", sum(table[i][j] for i in range(rows)))
    edges[("total",)] = ("K", "S", sum(sum(r) for r in table))
    return edges


def _connected(edges: dict[Key, tuple[str, str, int]], keys: set[Key], a: str, b: str) -> bool:
    adjacent: dict[str, list[str]] = {}
    for k in keys:
        u, v, _value = edges[k]
        adjacent.setdefault(u, []).append(v)
        adjacent.setdefault(v, []).append(u)
    seen, todo = {a}, [a]
    while todo:
        node = todo.pop()
        if node == b:
            return True
        for nxt in adjacent.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def _bridges(edges: dict[Key, tuple[str, str, int]], hidden: set[Key]) -> list[Key]:
    """Hidden edges on no cycle of hidden edges (tables are small: a search per edge)."""
    out = []
    for k in sorted(hidden):
        u, v, _value = edges[k]
        if not _connected(edges, hidden - {k}, u, v):
            out.append(k)
    return out


def _cheapest_path(
    edges: dict[Key, tuple[str, str, int]], hidden: set[Key], avoid: Key
) -> list[Key]:
    """The edges of the cheapest path between the ends of `avoid`, through positive edges."""
    start, goal, _value = edges[avoid]
    adjacent: dict[str, list[tuple[str, Key]]] = {}
    for k, (u, v, value) in edges.items():
        if k == avoid or value <= 0:
            continue
        adjacent.setdefault(u, []).append((v, k))
        adjacent.setdefault(v, []).append((u, k))
    best: dict[str, tuple[int, int]] = {start: (0, 0)}
    back: dict[str, tuple[str, Key]] = {}
    queue: list[tuple[int, int, str]] = [(0, 0, start)]
    while queue:
        cost, steps, node = heapq.heappop(queue)
        if node == goal:
            break
        if (cost, steps) > best.get(node, (cost, steps)):
            continue
        for nxt, k in sorted(adjacent.get(node, ()), key=lambda item: item[1]):
            step = 0 if k in hidden else edges[k][2] * _COST[k[0]]
            candidate = (cost + step, steps + 1)
            if candidate < best.get(nxt, (float("inf"), 0)):
                best[nxt] = candidate
                back[nxt] = (node, k)
                heapq.heappush(queue, (*candidate, nxt))
    if goal not in back:  # cannot happen for a consistent table (see the module doc)
        raise ValueError("no complementary path: the table's totals are inconsistent")
    path, node = [], goal
    while node != start:
        node, k = back[node]
        path.append(k)
    return path


def suppress(table: Sequence[Sequence[int]], threshold: int = THRESHOLD) -> Published:
    """Hide every count in 1..threshold-1 and enough others that none can be recovered."""
    rows = len(table)
    cols = len(table[0]) if rows else 0
    if any(len(r) != cols for r in table):
        raise ValueError("every row needs the same number of cells")
    if any(int(v) != v or v < 0 for r in table for v in r):
        raise ValueError("counts are whole numbers, 0 or more")
    edges = _edges(table)
    primary = {k for k, (_u, _v, value) in edges.items() if 0 < value < threshold}
    hidden = set(primary)
    while True:
        bridges = _bridges(edges, hidden)
        if not bridges:
            break
        hidden.update(_cheapest_path(edges, hidden, bridges[0]))

    def shown(key: Key) -> int | None:
        return None if key in hidden else edges[key][2]

    return Published(
        cells=[[shown(("cell", i, j)) for j in range(cols)] for i in range(rows)],
        row_totals=[shown(("row", i)) for i in range(rows)],
        col_totals=[shown(("col", j)) for j in range(cols)],
        total=shown(("total",)),
        hidden=frozenset(hidden),
        primary=frozenset(primary),
    )
