"""A character-level MLP language model written the way the makemore lectures write one: raw
parameter tensors drawn from a seeded `torch.Generator`, minibatches picked with
`torch.randint(..., generator=g)`, batch norm by hand, `p.data += -lr * p.grad`, and names
sampled with `torch.multinomial(..., generator=g)`."""
import tinytorch as torch
import tinytorch.nn.functional as F

WORDS = ["emma", "olivia", "ava", "isabella", "sophia", "charlotte", "mia", "amelia", "harper",
         "evelyn", "abigail", "emily", "ella", "elizabeth", "camila", "luna", "sofia", "avery"]
CHARS = sorted(set("".join(WORDS)))
STOI = {s: i + 1 for i, s in enumerate(CHARS)}
STOI["."] = 0
ITOS = {i: s for s, i in STOI.items()}
BLOCK = 3


def dataset():
    X, Y = [], []
    for w in WORDS:
        context = [0] * BLOCK
        for ch in w + ".":
            X.append(context)
            Y.append(STOI[ch])
            context = context[1:] + [STOI[ch]]
    return torch.tensor(X), torch.tensor(Y)


def build(n_embd=10, n_hidden=64):
    g = torch.Generator().manual_seed(2147483647)
    vocab = len(ITOS)
    C = torch.randn((vocab, n_embd), generator=g)
    W1 = torch.randn((n_embd * BLOCK, n_hidden), generator=g) * (5 / 3) / (n_embd * BLOCK) ** 0.5
    W2 = torch.randn((n_hidden, vocab), generator=g) * 0.01
    b2 = torch.zeros(vocab)
    bngain, bnbias = torch.ones((1, n_hidden)), torch.zeros((1, n_hidden))
    parameters = [C, W1, W2, b2, bngain, bnbias]
    for p in parameters:
        p.requires_grad = True
    return parameters


def forward(parameters, Xb):
    C, W1, W2, b2, bngain, bnbias = parameters
    emb = C[Xb]
    hpreact = emb.view(emb.shape[0], -1) @ W1
    hpreact = bngain * (hpreact - hpreact.mean(0, keepdim=True)) / hpreact.std(0, keepdim=True) \
        + bnbias
    return torch.tanh(hpreact) @ W2 + b2


def train(parameters, steps=120, batch_size=32):
    Xtr, Ytr = dataset()
    g = torch.Generator().manual_seed(42)
    losses = []
    for i in range(steps):
        ix = torch.randint(0, Xtr.shape[0], (batch_size,), generator=g)
        loss = F.cross_entropy(forward(parameters, Xtr[ix]), Ytr[ix])
        for p in parameters:
            p.grad = None
        loss.backward()
        lr = 0.1 if i < steps // 2 else 0.01
        for p in parameters:
            p.data += -lr * p.grad
        losses.append(loss.item())
    return losses


@torch.no_grad()
def sample(parameters, count=5, seed=2147483657):
    g = torch.Generator().manual_seed(seed)
    C, W1, W2, b2, _, _ = parameters
    names = []
    for _ in range(count):
        out, context = [], [0] * BLOCK
        while True:
            h = torch.tanh(C[torch.tensor([context])].view(1, -1) @ W1)  # no batch stats: 1 row
            probs = F.softmax(h @ W2 + b2, dim=1)
            ix = torch.multinomial(probs, num_samples=1, generator=g).item()
            context = context[1:] + [ix]
            if ix == 0:
                break
            out.append(ITOS[ix])
        names.append("".join(out))
    return names


if __name__ == "__main__":
    params = build()
    losses = train(params)
    print(f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")
    print(sample(params))
