"""One training epoch of the MLP and the CNN on the digits: tinytorch vs PyTorch, side by side.

Issue targets: the MLP (64-128-10, batch 64, SGD with momentum) epoch no slower
than PyTorch's, the CNN (conv 1->16, pool, conv 16->32, pool, linear; batch 64)
epoch at most 1.5x PyTorch's, on cpu. Both libraries train the same
architecture on the same batches, in the same order, with their own SGD.

Both run single-threaded by default (`--threads 1`): on a small shared machine
BLAS and OpenMP thread pools mostly measure contention. Pass `--threads 0`
to leave the libraries' defaults alone.
Run: python benchmarks/bench_training.py [--epochs 10] [--threads 1]
"""

from __future__ import annotations

import argparse
import sys
import time

from _timing import machine, optional_torch, pin_threads

THREADS = pin_threads(sys.argv)  # before NumPy (and its BLAS) is imported

import numpy as np  # noqa: E402

import tinytorch as tt  # noqa: E402
from tinytorch import nn  # noqa: E402
from tinytorch.data import load_digits, train_test_split  # noqa: E402

BATCH = 64


def tinytorch_models():
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(128, 10))
    return {"MLP": mlp, "CNN": cnn}


def torch_models(torch):
    tnn = torch.nn
    mlp = tnn.Sequential(tnn.Flatten(), tnn.Linear(64, 128), tnn.ReLU(), tnn.Linear(128, 10))
    cnn = tnn.Sequential(tnn.Conv2d(1, 16, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                         tnn.Conv2d(16, 32, 3, padding=1), tnn.ReLU(), tnn.MaxPool2d(2),
                         tnn.Flatten(), tnn.Linear(128, 10))
    return {"MLP": mlp, "CNN": cnn}


def epoch_seconds(run_epoch, epochs: int) -> float:
    run_epoch()  # warm-up
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        run_epoch()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    images, labels = load_digits()
    (train_x, train_y), _ = train_test_split(images, labels, test_fraction=0.2, seed=0)
    x_host, y_host = train_x.numpy(), train_y.numpy()
    order = np.random.default_rng(0).permutation(len(x_host))
    batches = [(x_host[order[i:i + BATCH]], y_host[order[i:i + BATCH]])
               for i in range(0, len(order), BATCH)]
    tt_batches = [(tt.tensor(x), tt.tensor(y)) for x, y in batches]

    torch = optional_torch()
    if torch and args.threads:
        torch.set_num_threads(args.threads)
    print(f"machine: {machine()}; threads: {args.threads or 'library default'}; "
          f"numpy {np.__version__}" + (f"; torch {torch.__version__}" if torch else ""))
    print(f"one epoch = {len(batches)} batches of {BATCH} digits; best of {args.epochs} epochs")

    targets = {"MLP": 1.0, "CNN": 1.5}
    tt_models = tinytorch_models()
    th_models = torch_models(torch) if torch else {}
    th_batches = [(torch.from_numpy(x), torch.from_numpy(y)) for x, y in batches] if torch else []
    for name, target in targets.items():
        t_tt = epoch_seconds(make_epoch(tt, tt_models[name], tt_batches), args.epochs)
        line = f"{name} epoch: tinytorch {t_tt * 1e3:7.1f} ms"
        if torch:
            t_th = epoch_seconds(make_epoch(torch, th_models[name], th_batches), args.epochs)
            ratio = t_tt / t_th
            verdict = "ok" if ratio <= target else f"OVER the {target}x target"
            line += f", torch {t_th * 1e3:7.1f} ms, ratio {ratio:.2f} (target <= {target})  " \
                    f"{verdict}"
        print(line)


def make_epoch(library, model, batches):
    """One epoch of SGD with momentum; the same code drives tinytorch and PyTorch."""
    optimizer = library.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = library.nn.CrossEntropyLoss()

    def run_epoch():
        for x, y in batches:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return run_epoch


if __name__ == "__main__":
    main()
