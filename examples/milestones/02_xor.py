"""Milestone 2 (1969): XOR defeats a single layer; a hidden layer solves it.

Minsky and Papert showed that one linear threshold unit cannot compute XOR:
no line separates {(0,1), (1,0)} from {(0,0), (1,1)}. This script trains
both models with the same optimizer and loss: the single layer is stuck at
75% accuracy or worse, while a two-layer MLP with a tanh hidden layer,
trained by backpropagation (1986), reaches 100%.

Run: python examples/milestones/02_xor.py [--device cpu] [--epochs 500] [--seed 0]
"""

from __future__ import annotations

import sys

from _common import Progress, parse_args, save_loss_curve

import tinytorch as tt
from tinytorch import nn


def train(model, inputs, targets, epochs: int, progress: Progress | None):
    optimizer = tt.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for epoch in range(1, epochs + 1):
        loss = loss_fn(model(inputs).reshape(-1), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        if progress:
            progress.update(epoch, loss=losses[-1])
    with tt.no_grad():
        accuracy = ((model(inputs).reshape(-1) > 0).float() == targets).float().mean().item()
    return accuracy, losses


def main(argv=None) -> dict:
    args = parse_args(argv, "1969 XOR: one layer fails, two layers succeed", epochs=500)
    inputs = tt.tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]], device=args.device)
    targets = tt.tensor([0., 1., 1., 0.], device=args.device)

    single = nn.Linear(2, 1).to(args.device)
    single_accuracy, _ = train(single, inputs, targets, args.epochs, None)

    mlp = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1)).to(args.device)
    mlp_accuracy, losses = train(mlp, inputs, targets, args.epochs,
                                 Progress(args.epochs, quiet=args.quiet))
    save_loss_curve(losses, "02_xor", "XOR, two-layer MLP", args)
    print(f"XOR accuracy: one layer {single_accuracy:.0%} (cannot exceed 75%), "
          f"two-layer MLP {mlp_accuracy:.0%} (target 100%)")
    return {"single_accuracy": single_accuracy, "mlp_accuracy": mlp_accuracy, "losses": losses}


if __name__ == "__main__":
    main(sys.argv[1:])
