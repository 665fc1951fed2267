"""What every milestone script shares: its command line, progress bars, the curves PNG.

Each milestone is `python examples/milestones/NN_name.py [--device D] [--epochs N] [--seed S]`;
its `main(argv)` returns a dict of results, so tests can run a shortened version and check that
the model learned. `--help` explains every option.

Every script builds its model and its data inside `with tt.device(args.device):`, so that
`--device strict:1` draws the same random numbers as `TINYTORCH_DEVICE=strict:1` (each device has
its own random stream; a model built on the default device and moved afterwards would draw its
weights from another stream than its data). Data loaders shuffle from a stream of their own
(`seed=args.seed`) for the same reason: on cpu they would share the model's stream, elsewhere not.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import tinytorch as tt

HERE = Path(__file__).resolve().parent


def parse_args(argv, description: str, epochs: int, epoch_means: str):
    """The common flags; `epoch_means` says what one epoch is in this script (for --help)."""
    parser = argparse.ArgumentParser(
        description=description,
        epilog="The same seed gives the same figures on every device: --device D and "
               "TINYTORCH_DEVICE=D are equivalent.")
    parser.add_argument("--device", default=None,
                        help="where the model and the data live: cpu, cuda, cuda:1, strict:0, "
                             "strict:1, ... (default: tinytorch's default device, which "
                             "TINYTORCH_DEVICE sets; otherwise cpu)")
    parser.add_argument("--epochs", type=int, default=epochs,
                        help=f"how long to train; one epoch is {epoch_means} "
                             f"(default: {epochs})")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of every device's random stream: weights, data order, "
                             "samples (default: 0)")
    parser.add_argument("--no-plot", action="store_true",
                        help="don't draw the curves PNG (drawing needs matplotlib)")
    parser.add_argument("--plot-dir", default=str(HERE),
                        help="folder for the curves PNG (default: next to the script)")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    args = parser.parse_args(argv)
    args.device = str(tt.device(args.device)) if args.device else str(tt.get_default_device())
    tt.manual_seed(args.seed)
    return args


def progress(total: int, args, unit: str, desc: str = "training"):
    """A tqdm bar on stderr (silent with --quiet); update it with `.update(1)`."""
    from tqdm.auto import tqdm
    # Redirected to a file or a CI log, a redraw every 0.1 s would flood it: every 10 s instead.
    interval = 0.1 if sys.stderr.isatty() else 10.0
    return tqdm(total=total, desc=desc, unit=unit, disable=args.quiet, dynamic_ncols=True,
                mininterval=interval)


def fit(model, loader, optimizer, loss_fn, args, evaluate=None):
    """The classic loop (forward, loss, zero_grad, backward, step) for `args.epochs` epochs.

    Returns (every batch's loss, [(step, evaluate()) after each epoch] or [] without `evaluate`).
    """
    losses, scores = [], []
    with progress(args.epochs * len(loader), args, unit="batch") as bar:
        for epoch in range(1, args.epochs + 1):
            for inputs, targets in loader:
                loss = loss_fn(model(inputs), targets)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                bar.set_postfix(epoch=epoch, loss=f"{losses[-1]:.3f}", refresh=False)
                bar.update(1)
            if evaluate:
                scores.append((len(losses), evaluate()))
                bar.set_postfix(epoch=epoch, loss=f"{losses[-1]:.3f}",
                                test_acc=f"{scores[-1][1]:.1%}")
    return losses, scores


def save_curves(args, name: str, title: str, losses: dict, accuracy: dict | None = None):
    """Draw `<plot-dir>/<name>.png`: training losses per step, and accuracies if given.

    `losses` maps a label to one loss per step; `accuracy` maps a label to (step, fraction)
    pairs. Prints the PNG's path, and returns it (None with --no-plot or without matplotlib).
    """
    if args.no_plot:
        return None
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed, so no curves were drawn: "
              'pip install -e ".[examples]"', file=sys.stderr)
        return None
    panels = 2 if accuracy else 1
    fig, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 3.4), squeeze=False)
    ax = axes[0][0]
    for label, values in losses.items():
        ax.plot(range(1, len(values) + 1), values, label=label, linewidth=1)
    ax.set_xlabel("step")
    ax.set_ylabel("training loss")
    if all(v > 0 for values in losses.values() for v in values):
        ax.set_yscale("log")  # late progress is invisible on a linear scale
    ax.grid(alpha=0.3)
    if len(losses) > 1:
        ax.legend()
    if accuracy:
        ax = axes[0][1]
        for label, points in accuracy.items():
            ax.plot([s for s, _ in points], [100 * a for _, a in points], marker="o",
                    markersize=3, label=label)
        ax.set_xlabel("step")
        ax.set_ylabel("accuracy (%)")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(f"{title} ({args.device}, seed {args.seed})")
    fig.tight_layout()
    path = Path(args.plot_dir) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)
    print(f"curves written to {path}")
    return path
