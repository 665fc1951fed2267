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

from _common import parse_args, progress, save_curves

import tinytorch as tt
from tinytorch import nn


def train(model, inputs, targets, epochs: int, bar):
    optimizer = tt.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    loss_fn = nn.BCEWithLogitsLoss()
    losses = []
    for _ in range(epochs):
        loss = loss_fn(model(inputs).reshape(-1), targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
        bar.update(1)
    with tt.no_grad():
        accuracy = ((model(inputs).reshape(-1) > 0).float() == targets).float().mean().item()
    return accuracy, losses


def main(argv=None) -> dict:
    args = parse_args(argv, "1969 XOR: one layer fails, two layers succeed", epochs=500,
                      epoch_means="one full-batch step on the four XOR points")
    with tt.device(args.device):   # model and data on the chosen device, from its stream
        inputs = tt.tensor([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])
        targets = tt.tensor([0., 1., 1., 0.])
        single = nn.Linear(2, 1)
        mlp = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    with progress(2 * args.epochs, args, unit="step") as bar:
        bar.set_description("one layer")
        single_accuracy, single_losses = train(single, inputs, targets, args.epochs, bar)
        bar.set_description("two layers")
        mlp_accuracy, losses = train(mlp, inputs, targets, args.epochs, bar)
    print(f"XOR accuracy: one layer {single_accuracy:.0%} (cannot exceed 75%), "
          f"two-layer MLP {mlp_accuracy:.0%} (target 100%)")
    save_curves(args, "02_xor", "XOR: one layer against two",
                {"one layer": single_losses, "two-layer MLP": losses})
    return {"single_accuracy": single_accuracy, "mlp_accuracy": mlp_accuracy, "losses": losses}


if __name__ == "__main__":
    main(sys.argv[1:])
