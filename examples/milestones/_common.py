"""What every milestone script shares: its command line, a progress bar, the loss curve PNG.

Each milestone is `python examples/milestones/NN_name.py [--device D] [--epochs N] [--seed S]`;
its `main(argv)` returns a dict of results, so tests can run a shortened version and check that
the model learned.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import tinytorch as tt

HERE = Path(__file__).resolve().parent


def parse_args(argv, description: str, epochs: int, **extra):
    """The common flags (--device, --epochs, --seed, --no-plot) plus `extra` ones (name=default)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--device", default=None,
                        help="cpu, cuda, strict:0, ... (default: tinytorch's default device)")
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-plot", action="store_true", help="don't write the loss-curve PNG")
    parser.add_argument("--plot-dir", default=str(HERE), help="where the PNG goes (default: "
                        "next to the script)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    for name, default in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(default), default=default)
    args = parser.parse_args(argv)
    args.device = str(tt.device(args.device)) if args.device else str(tt.get_default_device())
    tt.manual_seed(args.seed)
    return args


class Progress:
    """A one-line progress bar on stderr: `epoch 3/20 |######    | 60% loss 0.412`."""

    def __init__(self, total: int, label: str = "epoch", quiet: bool = False, width: int = 24):
        self.total, self.label, self.quiet, self.width = total, label, quiet, width
        self.start = time.perf_counter()
        self.interactive = sys.stderr.isatty()

    def update(self, done: int, **metrics) -> None:
        if self.quiet:
            return
        filled = round(self.width * done / max(self.total, 1))
        bar = "#" * filled + " " * (self.width - filled)
        shown = " ".join(f"{k} {v:.4g}" for k, v in metrics.items())
        line = (f"{self.label} {done}/{self.total} |{bar}| {100 * done // max(self.total, 1):3d}% "
                f"{shown} ({time.perf_counter() - self.start:.1f}s)")
        if self.interactive:
            print("\r" + line, end="" if done < self.total else "\n", file=sys.stderr,
                  flush=True)
        elif done == self.total or done % max(1, self.total // 10) == 0:
            print(line, file=sys.stderr, flush=True)


def fit(model, loader, optimizer, loss_fn, args, epoch_metrics=None) -> list[float]:
    """The classic loop (forward, loss, zero_grad, backward, step) for `args.epochs` epochs.

    Returns every batch's loss; `epoch_metrics()`, if given, adds numbers to the progress bar.
    """
    losses, progress = [], Progress(args.epochs, quiet=args.quiet)
    for epoch in range(1, args.epochs + 1):
        for inputs, targets in loader:
            loss = loss_fn(model(inputs), targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        progress.update(epoch, loss=losses[-1], **(epoch_metrics() if epoch_metrics else {}))
    return losses


def save_loss_curve(losses, name: str, title: str, args) -> Path | None:
    """Write `<name>.png` next to the script (a plain line plot of the training loss)."""
    if args.no_plot:
        return None
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed, so no loss curve was drawn: "
              'pip install "tinytorch[examples]"', file=sys.stderr)
        return None
    path = Path(args.plot_dir) / f"{name}.png"
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(range(1, len(losses) + 1), losses)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    ax.set_title(f"{title} ({args.device})")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
