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

from _common import Progress, parse_args, save_loss_curve

import tinytorch as tt
from tinytorch import nn


def make_points(n: int, device: str):
    """Two Gaussian clouds around (2, 2) and (-2, -2); labels +1 and -1."""
    labels = (tt.rand(n, device=device) < 0.5).float() * 2 - 1
    points = tt.randn(n, 2, device=device) * 0.8 + labels.reshape(n, 1) * 2.0
    return points, labels


def main(argv=None) -> dict:
    args = parse_args(argv, "1957 perceptron on separable 2-D points", epochs=20)
    points, labels = make_points(400, args.device)
    train_x, train_y, test_x, test_y = points[:300], labels[:300], points[300:], labels[300:]

    model = nn.Linear(2, 1).to(args.device)
    optimizer = tt.optim.SGD(model.parameters(), lr=0.1)
    losses, progress = [], Progress(args.epochs, quiet=args.quiet)
    for epoch in range(1, args.epochs + 1):
        for start in range(0, 300, 30):
            x, y = train_x[start:start + 30], train_y[start:start + 30]
            score = model(x).reshape(-1)
            loss = (-y * score).relu().mean()   # the perceptron criterion
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        progress.update(epoch, loss=losses[-1])

    with tt.no_grad():
        predicted = model(test_x).reshape(-1).sign()
        accuracy = (predicted == test_y).float().mean().item()
    save_loss_curve(losses, "01_perceptron", "perceptron", args)
    print(f"perceptron test accuracy: {accuracy:.1%} (target >= 95%)")
    return {"accuracy": accuracy, "losses": losses}


if __name__ == "__main__":
    main(sys.argv[1:])
