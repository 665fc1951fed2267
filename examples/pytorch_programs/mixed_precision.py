"""Mixed precision: matmuls under autocast, a GradScaler scaling the loss and skipping bad steps."""
import tinytorch as torch
from tinytorch import nn

device = "cuda" if torch.cuda.is_available() else "cpu"


def build():
    return nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1)).to(device)


def train(model, steps=25):
    x = torch.linspace(-1, 1, 64 * 8, device=device).view(64, 8)
    y = x.sum(dim=1, keepdim=True).sin()
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    scaler = torch.amp.GradScaler(device, init_scale=2.0 ** 10)
    losses = []
    for _ in range(steps):
        with torch.autocast(device_type=device, dtype=torch.float16):
            loss = nn.functional.mse_loss(model(x), y)
        opt.zero_grad()
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        losses.append(loss.item())
    return losses


if __name__ == "__main__":
    torch.manual_seed(0)
    losses = train(build())
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
