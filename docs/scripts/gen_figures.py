"""Draw the pictures of the documentation into docs/img/.

    python docs/scripts/gen_figures.py             # everything (trains every milestone: minutes)
    python docs/scripts/gen_figures.py --quick     # only the pictures that need no training

Pictures: the autograd graph of a small expression (tinytorch.viz.graph), broadcasting, im2col,
the attention weights of the trained sequence-reversal transformer, and every milestone's
curves (each milestone script run with --plot-dir docs/img/milestones, cpu, seed 0).
Needs matplotlib (the `examples` extra) and tqdm.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

import tinytorch as tt  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
IMG = ROOT / "docs" / "img"
MILESTONES = ROOT / "examples" / "milestones"


def autograd_graph() -> None:
    """The expression of the autograd chapter: loss = ((x @ w).relu() + b).sum()."""
    x = tt.tensor([[1., 2.], [3., 4.]])
    w = tt.tensor([[0.5, -1.], [1., 0.5]], requires_grad=True)
    b = tt.tensor([0.1, 0.2], requires_grad=True)
    loss = ((x @ w).relu() + b).sum()
    (IMG / "autograd-graph.svg").write_text(tt.viz.graph(loss, params={"w": w, "b": b}))


def _frame(ax, xlim, ylim) -> None:
    """Square cells, no axes: the grid pictures are diagrams, not plots."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def _save(fig, name: str) -> None:
    fig.savefig(IMG / name, dpi=90, bbox_inches="tight")
    plt.close(fig)


def _grid(ax, values, x0, y0, colour, title=None, highlight=None):
    """Draw a matrix of numbers as coloured cells with its top-left corner at (x0, y0)."""
    rows, cols = len(values), len(values[0])
    for i in range(rows):
        for j in range(cols):
            face = highlight(i, j) if highlight else colour
            ax.add_patch(Rectangle((x0 + j, y0 - i - 1), 1, 1, facecolor=face,
                                   edgecolor="#374151"))
            ax.text(x0 + j + 0.5, y0 - i - 0.5, f"{values[i][j]:g}", ha="center",
                    va="center", fontsize=10)
    if title:
        ax.text(x0 + cols / 2, y0 + 0.35, title, ha="center", va="bottom", fontsize=10)


def broadcasting() -> None:
    """(3, 1) + (1, 4) -> (3, 4): size-1 axes are stretched (never copied) to match."""
    column = [[0.], [10.], [20.]]
    row = [[1., 2., 3., 4.]]
    total = [[c[0] + r for r in row[0]] for c in column]
    fig, ax = plt.subplots(figsize=(9, 3))
    stretched = "#e5e7eb"
    _grid(ax, [[c[0]] * 4 for c in column], 0, 3, stretched, "a: shape (3, 1)",
          highlight=lambda i, j: "#bfdbfe" if j == 0 else stretched)
    ax.text(4.5, 1.5, "+", fontsize=18, ha="center", va="center")
    _grid(ax, row * 3, 5, 3, stretched, "b: shape (1, 4)",
          highlight=lambda i, j: "#fde68a" if i == 0 else stretched)
    ax.text(9.5, 1.5, "=", fontsize=18, ha="center", va="center")
    _grid(ax, total, 10, 3, "#d1fae5", "a + b: shape (3, 4)")
    ax.text(7, -0.6, "grey cells are not stored: the size-1 axis is read again (stride 0)",
            ha="center", fontsize=9, color="#4b5563")
    _frame(ax, (-0.5, 14.5), (-1, 4))
    _save(fig, "broadcasting.png")


def im2col() -> None:
    """A 4x4 image, a 3x3 kernel, no padding: 4 windows become the 4 rows of a 4x9 matrix."""
    image = [[4 * i + j for j in range(4)] for i in range(4)]
    colours = ["#bfdbfe", "#fde68a", "#fecaca", "#d1fae5"]
    corners = [(0, 0), (0, 1), (1, 0), (1, 1)]
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), gridspec_kw={"width_ratios": [1, 2.3]})
    ax = axes[0]
    _grid(ax, image, 0, 4, "white", "input (4x4)")
    for (r, c), colour, offset in zip(corners, colours, (0.06, 0.12, 0.18, 0.24)):
        ax.add_patch(Rectangle((c + offset, 4 - r - 3 + offset), 3 - 2 * offset,
                               3 - 2 * offset, fill=False, edgecolor=colour, linewidth=3))
    _frame(ax, (-0.3, 4.3), (-0.3, 4.9))
    ax = axes[1]
    rows = [[image[r + i][c + j] for i in range(3) for j in range(3)] for r, c in corners]
    _grid(ax, rows, 0, 4, "white", "cols (4 output positions x 9 kernel taps)",
          highlight=lambda i, j: colours[i])
    ax.text(4.5, -0.6, "output = cols @ weight.reshape(out_channels, 9).T : one matrix product",
            ha="center", fontsize=9, color="#4b5563")
    _frame(ax, (-0.3, 9.3), (-1, 4.9))
    _save(fig, "im2col.png")


def attention(reverser, length: int = 8) -> None:
    """Each layer's attention weights (averaged over heads) for one digit sequence."""
    tt.manual_seed(1)
    digits = tt.randint(0, 10, (1, length))
    reverser.eval()
    weights = []
    with tt.no_grad():
        x = reverser.token(digits) + reverser.position(tt.arange(length))
        for layer in reverser.blocks.layers:
            normed = layer.norm1(x)  # pre-norm: attention reads the normalised input
            weights.append(layer.self_attn(normed, normed, normed, need_weights=True)[1][0])
            x = layer(x)
    labels = [str(d) for d in digits[0].tolist()]
    fig, axes = plt.subplots(1, len(weights), figsize=(4.2 * len(weights), 4))
    for index, (ax, w) in enumerate(zip(axes, weights)):
        ax.imshow(w.tolist(), cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(length), labels)
        ax.set_yticks(range(length), labels)
        ax.set_xlabel("input position (key)")
        ax.set_ylabel("output position (query)")
        ax.set_title(f"layer {index + 1}")
    fig.suptitle("sequence reversal: where each position looks")
    fig.tight_layout()
    fig.savefig(IMG / "attention.png", dpi=90)
    plt.close(fig)


def milestones() -> None:
    """Run every milestone at full length on cpu, curves into docs/img/milestones/."""
    sys.path.insert(0, str(MILESTONES))
    reverser = None
    for name in ("01_perceptron", "02_xor", "03_mlp_digits", "04_cnn_digits", "05_transformer"):
        print(f"running {name} ...", flush=True)
        result = importlib.import_module(name).main(
            ["--device", "cpu", "--plot-dir", str(IMG / "milestones")])
        reverser = result.get("reverser", reverser)
    attention(reverser)


def main(argv) -> None:
    IMG.mkdir(exist_ok=True)
    autograd_graph()
    broadcasting()
    im2col()
    if "--quick" not in argv:
        milestones()
    print(f"pictures written to {IMG.relative_to(ROOT)}/")


if __name__ == "__main__":
    main(sys.argv[1:])
