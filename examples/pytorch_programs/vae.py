"""A variational autoencoder on 8x8 digits: reparameterisation trick and the KL term."""
import tinytorch as torch
import tinytorch.nn.functional as F
from tinytorch import nn


class VAE(nn.Module):
    def __init__(self, latent=4):
        super().__init__()
        self.enc = nn.Linear(64, 32)
        self.mu, self.logvar = nn.Linear(32, latent), nn.Linear(32, latent)
        self.dec1, self.dec2 = nn.Linear(latent, 32), nn.Linear(32, 64)

    def forward(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return torch.sigmoid(self.dec2(F.relu(self.dec1(z)))), mu, logvar


def loss_function(recon, x, mu, logvar):
    bce = F.binary_cross_entropy(recon, x, reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return (bce + kld) / x.size(0)


def train(model, steps=40):
    images, _ = torch.data.load_digits()
    x = images[:256].reshape(256, 64) / 16.0
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    losses = []
    for _ in range(steps):
        recon, mu, logvar = model(x)
        loss = loss_function(recon, x, mu, logvar)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


if __name__ == "__main__":
    torch.manual_seed(0)
    losses = train(VAE())
    print(f"loss {losses[0]:.2f} -> {losses[-1]:.2f}")
