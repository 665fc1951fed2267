"""A character-level LSTM language model on a short text, then a sampled continuation."""
import tinytorch as torch
from tinytorch import nn

TEXT = "the quick brown fox jumps over the lazy dog. " * 4
CHARS = sorted(set(TEXT))


class CharLSTM(nn.Module):
    def __init__(self, vocab, hidden=32):
        super().__init__()
        self.embed = nn.Embedding(vocab, 16)
        self.lstm = nn.LSTM(16, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, idx, state=None):
        out, state = self.lstm(self.embed(idx), state)
        return self.head(out), state


def build():
    return CharLSTM(len(CHARS))


def train(model, steps=20):
    data = torch.tensor([CHARS.index(c) for c in TEXT], dtype=torch.long)
    x, y = data[:176].view(4, -1), data[1:177].view(4, -1)
    opt = torch.optim.Adam(model.parameters(), lr=0.02)
    losses = []
    for _ in range(steps):
        logits, _ = model(x)
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(CHARS)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
    return losses


@torch.no_grad()
def sample(model, start="the", length=20):
    idx = torch.tensor([[CHARS.index(c) for c in start]], dtype=torch.long)
    logits, state = model(idx)
    out = list(start)
    for _ in range(length):
        probs = torch.softmax(logits[:, -1], dim=-1)
        nxt = torch.multinomial(probs, num_samples=1)
        out.append(CHARS[nxt.item()])
        logits, state = model(nxt, state)
    return "".join(out)


if __name__ == "__main__":
    torch.manual_seed(0)
    model = build()
    print(f"loss {train(model)[-1]:.3f}; sample: {sample(model)!r}")
