"""One GPT training step (forward, backward, AdamW): tinytorch vs PyTorch on cpu, side by side.

The model is the small GPT learners write (minGPT/nanoGPT style): token and
position embeddings, `LAYERS` pre-norm blocks of causal self-attention
(one qkv Linear, heads split by reshape, `tril` mask, softmax) and a GELU
MLP, a final LayerNorm and a language-model head; cross-entropy on the next
token; AdamW. The same code builds both models (`lib` is `tinytorch` or
`torch`), PyTorch's weights are copied into tinytorch's, and the script
prints both first losses (equal to float32 rounding). Steps alternate
between the libraries, so both see the same load on a shared machine.

Issue target: tinytorch's step time at most 1.0x PyTorch's, single-threaded.
Run: python benchmarks/bench_gpt.py [--steps 20] [--threads 1]
"""

from __future__ import annotations

import argparse
import math
import sys
import time

from _timing import machine, optional_torch, pin_threads

THREADS = pin_threads(sys.argv)  # before NumPy (and its BLAS) is imported

import numpy as np  # noqa: E402

import tinytorch  # noqa: E402

LAYERS, HEADS, WIDTH, CONTEXT, BATCH, VOCAB = 2, 4, 128, 64, 16, 65


def build(lib):
    nn, F = lib.nn, lib.nn.functional

    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
            self.proj = nn.Linear(WIDTH, WIDTH)
            self.register_buffer("mask", lib.tril(lib.ones(CONTEXT, CONTEXT)) == 0)

        def forward(self, x):
            b, t, c = x.size()
            q, k, v = self.qkv(x).split(WIDTH, dim=2)
            q = q.view(b, t, HEADS, c // HEADS).transpose(1, 2)
            k = k.view(b, t, HEADS, c // HEADS).transpose(1, 2)
            v = v.view(b, t, HEADS, c // HEADS).transpose(1, 2)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(c // HEADS))
            att = att.masked_fill(self.mask[:t, :t], float("-inf"))
            att = F.softmax(att, dim=-1)
            y = (att @ v).transpose(1, 2).reshape(b, t, c)
            return self.proj(y)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(WIDTH), nn.LayerNorm(WIDTH)
            self.attn = CausalSelfAttention()
            self.fc, self.out = nn.Linear(WIDTH, 4 * WIDTH), nn.Linear(4 * WIDTH, WIDTH)
            self.gelu = nn.GELU()

        def forward(self, x):
            x = x + self.attn(self.ln1(x))
            return x + self.out(self.gelu(self.fc(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok, self.pos = nn.Embedding(VOCAB, WIDTH), nn.Embedding(CONTEXT, WIDTH)
            self.blocks = nn.ModuleList([Block() for _ in range(LAYERS)])
            self.ln = nn.LayerNorm(WIDTH)
            self.head = nn.Linear(WIDTH, VOCAB, bias=False)

        def forward(self, idx, targets):
            t = idx.size(1)
            x = self.tok(idx) + self.pos(lib.arange(t))
            for block in self.blocks:
                x = block(x)
            logits = self.head(self.ln(x))
            return F.cross_entropy(logits.view(-1, VOCAB), targets.view(-1))

    return GPT()


def copy_weights(source, target):
    state = {k: tinytorch.tensor(v.detach().numpy()) for k, v in source.state_dict().items()}
    target.load_state_dict(state)


class Trainer:
    """One library's model, AdamW and batches; `step()` trains once and returns (seconds, loss)."""

    def __init__(self, lib, model, batches):
        self.model, self.batches, self.count = model, batches, 0
        self.opt = lib.optim.AdamW(model.parameters(), lr=3e-4)

    def step(self):
        x, y = self.batches[self.count % len(self.batches)]
        self.count += 1
        start = time.perf_counter()
        loss = self.model(x, y)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        return time.perf_counter() - start, float(loss.item())


def race(trainers, steps):
    """Alternate the libraries step by step, so both see the same machine load; best step each.

    The first two steps of each are warm-up (caches, lazy imports) and are not counted.
    """
    times = [[] for _ in trainers]
    first_losses = [None for _ in trainers]
    for step in range(steps + 2):
        for i, trainer in enumerate(trainers):
            seconds, loss = trainer.step()
            if first_losses[i] is None:
                first_losses[i] = loss
            if step >= 2:
                times[i].append(seconds)
    return [min(t) for t in times], first_losses


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="training steps per library "
                        "(the best step after two warm-up steps is reported)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads (0: the "
                        "libraries' defaults)")
    args = parser.parse_args()
    torch = optional_torch()
    if torch is not None and THREADS:
        torch.set_num_threads(THREADS)
    rng = np.random.default_rng(0)
    data = [rng.integers(0, VOCAB, (BATCH, CONTEXT + 1)) for _ in range(4)]
    tt_batches = [(tinytorch.tensor(d[:, :-1]), tinytorch.tensor(d[:, 1:])) for d in data]
    tinytorch.manual_seed(0)
    mine = build(tinytorch)
    print(f"GPT step: {LAYERS} layers, {HEADS} heads, width {WIDTH}, context {CONTEXT}, "
          f"batch {BATCH}, AdamW; {machine()}, threads={THREADS or 'default'}")
    trainers = [Trainer(tinytorch, mine, tt_batches)]
    if torch is not None:
        torch.manual_seed(0)
        ref = build(torch)
        copy_weights(ref, mine)
        torch_batches = [(torch.tensor(d[:, :-1]), torch.tensor(d[:, 1:])) for d in data]
        trainers.append(Trainer(torch, ref, torch_batches))
    times, losses = race(trainers, args.steps)
    print(f"  tinytorch: {times[0] * 1e3:8.2f} ms/step   first loss {losses[0]:.6f}")
    if torch is None:
        print("  PyTorch is not installed: no ratio (pip install torch to compare)")
        return
    print(f"  PyTorch:   {times[1] * 1e3:8.2f} ms/step   first loss {losses[1]:.6f}")
    print(f"  ratio tinytorch/PyTorch: {times[0] / times[1]:.2f}x (target <= 1.0x); "
          f"first losses differ by {abs(losses[0] - losses[1]):.2e}")


if __name__ == "__main__":
    main()
