"""Pictures of autograd graphs: `graph(tensor)` draws the nodes backward() will visit, as SVG.

What it does: walks `tensor.grad_fn` and each node's `next_functions` down to
the leaves (the tensors whose `.grad` backward fills), gives every node a
row by its longest distance from the output, and writes one hand-made SVG
document: leaves on top in blue, backward nodes in grey, the output at the
bottom. Arrows point the way the forward pass went; backward walks them in
reverse. The result is a `str` (write it to a file, or embed it in a web
page) whose `_repr_svg_` makes Jupyter draw it inline.

    import tinytorch as tt
    from tinytorch.viz import graph
    w = tt.ones(3, requires_grad=True)
    loss = (w * 2).sum()
    open("graph.svg", "w").write(graph(loss, params={"w": w}))

Assumes: small graphs (tens of nodes; a model's whole forward pass makes a
tall picture), nodes ordered within a row by the order backward would find
them, and straight arrows (they may cross).
Production does instead: torchviz renders PyTorch's graph through Graphviz,
whose layout engine minimises crossings; TensorBoard and Netron draw whole
models interactively.
"""

from __future__ import annotations

from html import escape

from .tensor import Tensor

__all__ = ["graph", "SVG"]

_CHAR_WIDTH, _BOX_HEIGHT, _ROW_GAP, _COLUMN_GAP, _MARGIN = 7.2, 34, 40, 24, 16
_FILL = {"leaf": "#dbeafe", "node": "#f3f4f6", "output": "#fde68a"}


class SVG(str):
    """SVG text that Jupyter and IPython display as a picture."""

    def _repr_svg_(self) -> str:
        return str(self)


def graph(tensor: Tensor, params: dict | None = None) -> SVG:
    """The autograd graph behind `tensor` as an SVG document.

    `params` names leaves, e.g. `{"w": model.weight}`; unnamed leaves show their shape and dtype.
    A tensor without a graph (a leaf, or one made under `no_grad()`) gives a single box.
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"graph() draws the autograd graph of a Tensor, got "
                        f"{type(tensor).__name__}")
    names = {id(t): name for name, t in (params or {}).items()}
    output = ("output", id(tensor))
    boxes = {output: _tensor_label(tensor, names.get(id(tensor), "output"))}
    kinds = {output: "output"}
    edges, depth = [], {output: 0}
    pending = []
    if tensor.grad_fn is not None:
        pending.append((tensor.grad_fn, output, 1))
    # Longest distance from the output decides each box's row, so every arrow points down.
    while pending:
        item, child, level = pending.pop()
        key = ("node", id(item))
        if isinstance(item, Tensor):
            boxes.setdefault(key, _tensor_label(item, names.get(id(item))))
            kinds[key] = "leaf"
        else:
            boxes.setdefault(key, _node_label(item))
            kinds[key] = "node"
        if (key, child) not in edges:
            edges.append((key, child))
        if depth.get(key, -1) >= level:
            continue
        depth[key] = level
        if not isinstance(item, Tensor):
            for parent in reversed(getattr(item, "next_functions", ())):
                if isinstance(parent, tuple):  # PyTorch's (node, output index) pairs
                    parent = parent[0]
                if parent is not None:
                    pending.append((parent, key, level + 1))
    return SVG(_draw(boxes, kinds, edges, depth))


def _tensor_label(t: Tensor, name: str | None) -> str:
    shape = "x".join(map(str, t.shape)) or "scalar"
    return f"{name}: {shape} {t.dtype}" if name else f"{shape} {t.dtype}"


def _node_label(node) -> str:
    name = getattr(node, "name", None)
    if callable(name):  # PyTorch's name() is a method
        name = name()
    return name if isinstance(name, str) else type(node).__name__


def _draw(boxes: dict, kinds: dict, edges: list, depth: dict) -> str:
    rows: dict[int, list] = {}
    for key in boxes:
        rows.setdefault(depth[key], []).append(key)
    deepest = max(rows)
    width = {key: max(60, _CHAR_WIDTH * len(label) + 20) for key, label in boxes.items()}
    row_width = {r: sum(width[k] for k in keys) + _COLUMN_GAP * (len(keys) - 1)
                 for r, keys in rows.items()}
    canvas_width = max(row_width.values()) + 2 * _MARGIN
    centre = {}
    for r, keys in rows.items():
        x = (canvas_width - row_width[r]) / 2
        y = _MARGIN + (deepest - r) * (_BOX_HEIGHT + _ROW_GAP)  # leaves on top, output below
        for key in keys:
            centre[key] = (x + width[key] / 2, y + _BOX_HEIGHT / 2)
            x += width[key] + _COLUMN_GAP
    canvas_height = 2 * _MARGIN + (deepest + 1) * _BOX_HEIGHT + deepest * _ROW_GAP
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{canvas_width:.0f}" '
        f'height="{canvas_height:.0f}" viewBox="0 0 {canvas_width:.0f} {canvas_height:.0f}" '
        f'font-family="monospace" font-size="12">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#6b7280"/></marker></defs>',
    ]
    for source, target in edges:  # source feeds target in the forward pass
        (x1, y1), (x2, y2) = centre[source], centre[target]
        parts.append(f'<line x1="{x1:.1f}" y1="{y1 + _BOX_HEIGHT / 2:.1f}" x2="{x2:.1f}" '
                     f'y2="{y2 - _BOX_HEIGHT / 2:.1f}" stroke="#6b7280" stroke-width="1.2" '
                     f'marker-end="url(#arrow)"/>')
    for key, label in boxes.items():
        x, y = centre[key]
        w = width[key]
        parts.append(f'<rect x="{x - w / 2:.1f}" y="{y - _BOX_HEIGHT / 2:.1f}" width="{w:.1f}" '
                     f'height="{_BOX_HEIGHT}" rx="6" fill="{_FILL[kinds[key]]}" '
                     f'stroke="#374151"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle">'
                     f'{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
