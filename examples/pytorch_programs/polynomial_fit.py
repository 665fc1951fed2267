"""Fit sin(x) on [-pi, pi] with a cubic: a Linear layer over the features x, x^2, x^3."""
import math

import tinytorch as torch


def build():
    return torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))


def train(model, steps=200):
    x = torch.linspace(-math.pi, math.pi, 500)
    y = torch.sin(x)
    powers = torch.tensor([1, 2, 3])
    features = x.unsqueeze(-1).pow(powers)
    loss_fn = torch.nn.MSELoss(reduction="sum")
    learning_rate = 1e-6
    losses = []
    for t in range(steps):
        loss = loss_fn(model(features), y)
        if t % 50 == 49:
            print(t, loss.item())
        model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in model.parameters():
                param -= learning_rate * param.grad
        losses.append(loss.item())
    layer = model[0]
    print(f"y = {layer.bias.item():.3f} + {layer.weight[:, 0].item():.3f} x "
          f"+ {layer.weight[:, 1].item():.3f} x^2 + {layer.weight[:, 2].item():.3f} x^3")
    return losses


if __name__ == "__main__":
    torch.manual_seed(0)
    train(build())
