"""Milestone 3 (1986): a multi-layer perceptron trained by backpropagation reads handwritten digits.

Rumelhart, Hinton and Williams showed that hidden layers trained with
backpropagation learn useful features. Here a 64-128-10 MLP learns the 8x8
digits bundled with tinytorch (1,797 images; 20% held out for testing) with
SGD and momentum, and should pass 95% test accuracy.

Run: python examples/milestones/03_mlp_digits.py [--device cpu] [--epochs 30] [--seed 0]
"""

from __future__ import annotations

import sys

from _common import fit, parse_args, save_curves

import tinytorch as tt
from tinytorch import nn
from tinytorch.data import DataLoader, TensorDataset, load_digits, train_test_split


def digits_split(device: str):
    images, labels = load_digits(device=device)
    return train_test_split(images, labels, test_fraction=0.2, seed=0)


def accuracy(model, images, labels) -> float:
    model.eval()
    with tt.no_grad():
        predicted = model(images).argmax(dim=1)
    model.train()
    return (predicted == labels).float().mean().item()


def main(argv=None) -> dict:
    args = parse_args(argv, "1986 MLP on the 8x8 digits", epochs=30,
                      epoch_means="one pass over the 1,438 training digits in batches of 64")
    with tt.device(args.device):   # model and data on the chosen device, from its stream
        (train_x, train_y), (test_x, test_y) = digits_split(args.device)
        model = nn.Sequential(nn.Flatten(), nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
        # the shuffle order has its own stream: on cpu, model and data loader would otherwise
        # share one, and on other devices not, and the figures would differ by device
        loader = DataLoader(TensorDataset(train_x, train_y), batch_size=64, shuffle=True,
                            seed=args.seed)
        optimizer = tt.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        losses, scores = fit(model, loader, optimizer, nn.CrossEntropyLoss(), args,
                             evaluate=lambda: accuracy(model, test_x, test_y))
    test_accuracy = accuracy(model, test_x, test_y)
    print(f"MLP test accuracy: {test_accuracy:.1%} (target >= 95%)")
    save_curves(args, "03_mlp_digits", "MLP on digits", {"cross-entropy": losses},
                {"test": scores})
    return {"accuracy": test_accuracy, "losses": losses}

if __name__ == "__main__":
    main(sys.argv[1:])
