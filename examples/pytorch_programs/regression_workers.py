"""Fit a small MLP to y = sin(3x) with a DataLoader that loads batches in 2 worker processes."""
import tinytorch as torch
from tinytorch import nn
from tinytorch.utils.data import DataLoader, TensorDataset


def build():
    return nn.Sequential(nn.Linear(1, 32), nn.Tanh(), nn.Linear(32, 1))


def train(model, epochs=3):
    x = torch.linspace(-1, 1, 256, dtype=torch.float).unsqueeze(1)
    y = torch.sin(3 * x)
    loader = DataLoader(TensorDataset(x, y), batch_size=64, num_workers=2, pin_memory=True)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for epoch in range(epochs):
        for xb, yb in loader:
            assert xb.size(0) == 64
            loss = nn.functional.mse_loss(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        print(f"epoch {epoch}: loss {loss:.4f}")
    return losses


if __name__ == "__main__":
    torch.manual_seed(0)
    train(build())
