"""A custom autograd Function (a smooth ReLU), written PyTorch's way, inside a tiny model."""
import tinytorch as torch
from tinytorch import nn


class SoftPlus(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, beta):
        ctx.save_for_backward(x)
        ctx.beta = beta
        return torch.log1p(torch.exp(x * beta)) / beta

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        grad_x = grad_output * torch.sigmoid(x * ctx.beta) if ctx.needs_input_grad[0] else None
        return grad_x, None


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(2, 16), nn.Linear(16, 1)

    def forward(self, x):
        return self.fc2(SoftPlus.apply(self.fc1(x), 2.0))


def build():
    return Net()


def train(model, steps=30):
    x = torch.stack([torch.linspace(-1, 1, 32), torch.linspace(1, -1, 32) ** 2], dim=1)
    y = (x[:, :1] * x[:, 1:]).tanh()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in range(steps):
        loss = ((model(x) - y) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print(f"final loss {loss:.5f}")
    return losses


if __name__ == "__main__":
    torch.manual_seed(0)
    train(build())
