"""A layered (Sugiyama-style) left-to-right layout of a small directed graph, in pure Python.

Forwarding graphs read like paths: from the entry on the left to delivery or
``drop`` on the right.  The classic four steps, kept simple and deterministic:

1. **cycles**: a depth-first search from the nodes in their given order turns
   its back edges around (they are drawn right to left);
2. **layers**: each node's layer is its longest distance from a root, so every
   other edge points right; an edge spanning several layers gets a bend point
   (a dummy node) in each layer it crosses;
3. **order**: barycentre sweeps, down and up, reorder the nodes of each layer;
   the order with the fewest edge crossings seen is kept;
4. **coordinates**: layers are columns as wide as their widest node; within a
   column each node moves towards the mean height of its neighbours, and the
   overlaps are resolved both ways and averaged, keeping the order.

The result is plain geometry (boxes and edge routes) that :mod:`rela.draw.svg`
turns into SVG.  No external binary is needed.

>>> lay = layered_layout(["a", "b", "c"], [("a", "b"), ("b", "c"), ("a", "c")], lambda n: 30.0)
>>> [lay.boxes[n].layer for n in "abc"]
[0, 1, 2]
>>> len(lay.routes[("a", "c")].points)  # a bend in layer 1
3
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rela.values import frozen

__all__ = ["Box", "Route", "Layout", "layered_layout", "count_crossings"]

NODE_HEIGHT = 24.0
#: Horizontal room between two columns (for the edges).
COLUMN_GAP = 56.0
#: Vertical room between two boxes of a column; bend points need less.
ROW_GAP = 14.0
BEND_GAP = 8.0
MARGIN = 12.0
#: How far apart two opposite edges between the same nodes are drawn.
PAIR_SHIFT = 5.0
_SWEEPS = 12
_SMOOTHING = 6


@frozen
class Box:
    """A node's box: centre ``x``, ``y``, width and height, and its layer (column)."""

    x: float
    y: float
    width: float
    height: float
    layer: int


@frozen
class Route:
    """An edge's route from its source's border to its target's border, through its bends.

    ``reversed`` says the edge points right to left (it closes a cycle).
    """

    points: tuple[tuple[float, float], ...]
    reversed: bool = False


@frozen
class Layout:
    """Boxes by node, routes by edge (``(u, u)`` self-loops have no route), overall size."""

    boxes: dict[str, Box]
    routes: dict[tuple[str, str], Route]
    width: float
    height: float
    crossings: int


def _acyclic(n: int, succ: list[list[int]]) -> set[tuple[int, int]]:
    """Back edges of a depth-first search over nodes ``0..n-1`` in order."""
    state = [0] * n  # 0 new, 1 on the stack, 2 done
    back: set[tuple[int, int]] = set()
    for root in range(n):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            u, it = stack[-1]
            for v in it:
                if state[v] == 1:
                    back.add((u, v))
                elif state[v] == 0:
                    state[v] = 1
                    stack.append((v, iter(succ[v])))
                    break
            else:
                state[u] = 2
                stack.pop()
    return back


def _layers(n: int, dag: list[tuple[int, int]]) -> list[int]:
    """Longest-path layering of an acyclic edge list (Kahn's order)."""
    preds_left = [0] * n
    succ: list[list[int]] = [[] for _ in range(n)]
    for u, v in dag:
        succ[u].append(v)
        preds_left[v] += 1
    layer = [0] * n
    ready = [u for u in range(n) if preds_left[u] == 0]
    while ready:
        u = ready.pop()
        for v in succ[u]:
            layer[v] = max(layer[v], layer[u] + 1)
            preds_left[v] -= 1
            if preds_left[v] == 0:
                ready.append(v)
    return layer


def count_crossings(order: list[list[int]], down: list[list[int]]) -> int:
    """Edge crossings between consecutive layers (``down[u]``: successors in the next layer).

    >>> count_crossings([[0, 1], [2, 3]], [[3], [2], [], []])
    1
    """
    pos = {u: i for layer in order for i, u in enumerate(layer)}
    total = 0
    for layer in order:
        ends = sorted((pos[u], pos[v]) for u in layer for v in down[u])
        for i, (a, b) in enumerate(ends):
            for c, d in ends[i + 1 :]:
                if c > a and d < b:
                    total += 1
    return total


def _sweep(order: list[list[int]], nbrs: list[list[int]], layers: range) -> None:
    """Reorder each layer in ``layers`` by the mean position of ``nbrs`` in the layer before."""
    pos = {u: i for layer in order for i, u in enumerate(layer)}
    for r in layers:
        keyed = []
        for i, u in enumerate(order[r]):
            near = [pos[v] for v in nbrs[u]]
            keyed.append((sum(near) / len(near) if near else float(i), i, u))
        keyed.sort()
        order[r] = [u for _, _, u in keyed]
        pos.update({u: i for i, u in enumerate(order[r])})


def _place(ys: list[float], seps: list[float]) -> list[float]:
    """Heights as close to ``ys`` as the separations allow (``seps[i]`` between i and i+1)."""
    down = list(ys)
    for i in range(1, len(down)):
        down[i] = max(down[i], down[i - 1] + seps[i - 1])
    up = list(ys)
    for i in range(len(up) - 2, -1, -1):
        up[i] = min(up[i], up[i + 1] - seps[i])
    return [(a + b) / 2 for a, b in zip(down, up)]


def layered_layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str]], width_of: Callable[[str], float]
) -> Layout:
    """Lay out ``nodes`` (roots first: they start the cycle search) and ``edges`` left to right.

    ``width_of(node)`` is the width of a node's box; boxes are
    :data:`NODE_HEIGHT` high.  Deterministic: the same input gives the same layout.
    """
    index = {name: i for i, name in enumerate(nodes)}
    n = len(nodes)
    succ: list[list[int]] = [[] for _ in range(n)]
    real = [(index[u], index[v]) for u, v in edges if u != v]
    for u, v in real:
        succ[u].append(v)
    back = _acyclic(n, succ)
    dag = [(v, u) if (u, v) in back else (u, v) for u, v in real]
    layer = _layers(n, list(dict.fromkeys(dag)))
    # chains through dummy nodes (ids n, n+1, ...) for edges longer than one layer
    down: list[list[int]] = [[] for _ in range(n)]
    chains: dict[tuple[int, int], list[int]] = {}
    for u, v in dict.fromkeys(dag):
        chain = [u]
        for r in range(layer[u] + 1, layer[v]):
            layer.append(r)
            down.append([])
            chain.append(len(layer) - 1)
        chain.append(v)
        for a, b in zip(chain, chain[1:]):
            down[a].append(b)
        chains[(u, v)] = chain
    up: list[list[int]] = [[] for _ in layer]
    for a, targets in enumerate(down):
        for b in targets:
            up[b].append(a)
    depth = max(layer, default=-1) + 1
    order: list[list[int]] = [[] for _ in range(depth)]
    for u in _discovery(n, len(layer), down):
        order[layer[u]].append(u)
    best, fewest = [list(x) for x in order], count_crossings(order, down)
    for i in range(_SWEEPS):
        if fewest == 0:
            break
        if i % 2 == 0:
            _sweep(order, up, range(1, depth))
        else:
            _sweep(order, down, range(depth - 2, -1, -1))
        crossings = count_crossings(order, down)
        if crossings < fewest:
            best, fewest = [list(x) for x in order], crossings
    width = [width_of(nodes[u]) if u < n else 0.0 for u in range(len(layer))]
    height = [NODE_HEIGHT if u < n else 0.0 for u in range(len(layer))]
    ys = _heights(best, up, down, height, n)
    xs, total_width = _columns(best, width)
    boxes = {
        nodes[u]: Box(xs[layer[u]], ys[u] + MARGIN, width[u], height[u], layer[u]) for u in range(n)
    }
    total_height = max((ys[u] + height[u] / 2 for u in range(len(layer))), default=0.0)
    routes: dict[tuple[str, str], Route] = {}
    pairs = set(real)
    for u, v in real:
        flipped = (u, v) in back
        chain = chains[(v, u) if flipped else (u, v)]
        # two opposite edges share a chain: move them apart
        shift = (PAIR_SHIFT if flipped else -PAIR_SHIFT) if (v, u) in pairs else 0.0
        pts = [(xs[layer[c]], ys[c] + MARGIN + shift) for c in chain]
        head, tail = boxes[nodes[chain[0]]], boxes[nodes[chain[-1]]]
        pts[0] = (head.x + head.width / 2, pts[0][1])
        pts[-1] = (tail.x - tail.width / 2, pts[-1][1])
        if flipped:
            pts.reverse()
        routes[(nodes[u], nodes[v])] = Route(tuple(pts), flipped)
    return Layout(boxes, routes, total_width, total_height + 2 * MARGIN, fewest)


def _discovery(n: int, total: int, down: list[list[int]]) -> list[int]:
    """Every node and bend, depth first from the real nodes in order: a tidy first ordering."""
    seen = [False] * total
    out: list[int] = []
    for root in range(n):
        stack = [root]
        while stack:
            u = stack.pop()
            if seen[u]:
                continue
            seen[u] = True
            out.append(u)
            stack.extend(reversed(down[u]))
    return out


def _columns(order: list[list[int]], width: list[float]) -> tuple[list[float], float]:
    """Centre x of each layer, and the total width."""
    xs: list[float] = []
    x = MARGIN
    for layer in order:
        w = max((width[u] for u in layer), default=0.0)
        xs.append(x + w / 2)
        x += w + COLUMN_GAP
    return xs, x - COLUMN_GAP + MARGIN


def _heights(
    order: list[list[int]],
    up: list[list[int]],
    down: list[list[int]],
    height: list[float],
    n: int,
) -> list[float]:
    """Centre y of every node and bend: stacked, then pulled towards their neighbours."""
    total = len(height)
    y = [0.0] * total

    def gap(a: int, b: int) -> float:
        g = ROW_GAP if a < n or b < n else BEND_GAP
        return (height[a] + height[b]) / 2 + g

    seps = [[gap(a, b) for a, b in zip(layer, layer[1:])] for layer in order]
    for layer, sep in zip(order, seps):
        acc = height[layer[0]] / 2 if layer else 0.0
        for i, u in enumerate(layer):
            y[u] = acc
            if i < len(sep):
                acc += sep[i]
    for rnd in range(_SMOOTHING):
        nbrs, layers = (
            (up, range(len(order))) if rnd % 2 == 0 else (down, range(len(order) - 1, -1, -1))
        )
        for r in layers:
            layer = order[r]
            want = [sum(y[v] for v in nbrs[u]) / len(nbrs[u]) if nbrs[u] else y[u] for u in layer]
            for u, value in zip(layer, _place(want, seps[r])):
                y[u] = value
    top = min((y[u] - height[u] / 2 for u in range(total)), default=0.0)
    return [v - top for v in y]
