"""Milestone 1 (1957): Rosenblatt's perceptron separates two clouds of points.

A perceptron is one linear unit, sign(w . x + b). Rosenblatt's rule nudges w
towards each point it gets wrong; written as a loss, that is
mean(max(0, -y * (w . x + b))) minimised by SGD, which is what this script
does with autograd. On linearly separable data it reaches (near) perfect
accuracy.

Run: python examples/milestones/01_perceptron.py [--device cpu] [--epochs 20] [--seed 0]
"""

from __future__ import annotations

import sys

from _common import parse_args, progress, save_curves

import tinytorch as tt
from tinytorch import nn


def make_points(n: int):
    """Two Gaussian clouds around (2, 2) and (-2, -2); labels +1 and -1."""
    labels = (tt.rand(n) < 0.5).float() * 2 - 1
    points = tt.randn(n, 2) * 0.8 + labels.reshape(n, 1) * 2.0
    return points, labels


def accuracy(model, points, labels) -> float:
    with tt.no_grad():
        return (model(points).reshape(-1).sign() == labels).float().mean().item()


def main(argv=None) -> dict:
    args = parse_args(argv, "1957 perceptron on separable 2-D points", epochs=20,
                      epoch_means="one pass over the 300 training points in batches of 30")
    with tt.device(args.device):   # model and data on the chosen device, from its stream
        points, labels = make_points(400)
        train_x, train_y, test_x, test_y = points[:300], labels[:300], points[300:], labels[300:]
        model = nn.Linear(2, 1)
    optimizer = tt.optim.SGD(model.parameters(), lr=0.1)
    losses, scores = [], []
    with progress(args.epochs, args, unit="epoch") as bar:
        for _ in range(args.epochs):
            for start in range(0, 300, 30):
                x, y = train_x[start:start + 30], train_y[start:start + 30]
                score = model(x).reshape(-1)
                loss = (-y * score).relu().mean()   # the perceptron criterion
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
            scores.append((len(losses), accuracy(model, test_x, test_y)))
            bar.set_postfix(loss=f"{losses[-1]:.3f}", test_acc=f"{scores[-1][1]:.1%}")
            bar.update(1)

    test_accuracy = accuracy(model, test_x, test_y)
    print(f"perceptron test accuracy: {test_accuracy:.1%} (target >= 95%)")
    save_curves(args, "01_perceptron", "perceptron", {"perceptron criterion": losses},
                {"test": scores})
    return {"accuracy": test_accuracy, "losses": losses}


if __name__ == "__main__":
    main(sys.argv[1:])
