"""Milestone 4 (1998): a convolutional network, LeNet's idea, on the 8x8 digits.

LeCun et al. built translation-tolerant features by sharing weights across
the image (convolution) and summarising neighbourhoods (pooling). This
network is conv(1->16, 3x3) -> ReLU -> maxpool 2 -> conv(16->32, 3x3) ->
ReLU -> maxpool 2 -> linear(128 -> 10), trained with Adam; it should pass
97% test accuracy on the held-out 20% of the digits.

This is the README's main job. Run:
    python examples/milestones/04_cnn_digits.py [--device cpu] [--epochs 15] [--seed 0]
"""

from __future__ import annotations

import importlib
import sys

from _common import fit, parse_args, save_curves

import tinytorch as tt
from tinytorch import nn
from tinytorch.data import DataLoader, TensorDataset

mlp = importlib.import_module("03_mlp_digits")


def make_cnn() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 2 * 2, 10),
    )


def main(argv=None) -> dict:
    args = parse_args(argv, "1998 CNN on the 8x8 digits", epochs=15,
                      epoch_means="one pass over the 1,438 training digits in batches of 64")
    with tt.device(args.device):   # model and data on the chosen device, from its stream
        (train_x, train_y), (test_x, test_y) = mlp.digits_split(args.device)
        model = make_cnn()
        # the shuffle order has its own stream: on cpu, model and data loader would otherwise
        # share one, and on other devices not, and the figures would differ by device
        loader = DataLoader(TensorDataset(train_x, train_y), batch_size=64, shuffle=True,
                            seed=args.seed)
        optimizer = tt.optim.Adam(model.parameters(), lr=3e-3)
        losses, scores = fit(model, loader, optimizer, nn.CrossEntropyLoss(), args,
                             evaluate=lambda: mlp.accuracy(model, test_x, test_y))
    test_accuracy = mlp.accuracy(model, test_x, test_y)
    print(f"CNN test accuracy: {test_accuracy:.1%} (target >= 97%)")
    save_curves(args, "04_cnn_digits", "CNN on digits", {"cross-entropy": losses},
                {"test": scores})
    return {"accuracy": test_accuracy, "losses": losses}

if __name__ == "__main__":
    main(sys.argv[1:])
