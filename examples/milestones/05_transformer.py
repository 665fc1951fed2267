"""Milestone 5 (2017): attention is all you need — a small transformer, two ways.

1. Sequence reversal: an encoder reads 8 digits and writes them backwards.
   Every output position must attend to its mirror position, which learned
   positional embeddings plus self-attention find quickly; the metric is
   exact match over whole sequences (target >= 95%).
2. A character-level GPT: the same blocks with a causal mask learn to
   predict the next character of the text corpus bundled with tinytorch,
   then generate new text from a prompt.

Both use pre-norm encoder layers (`norm_first=True`), GELU in its tanh form
(as GPT-2 does; the exact form needs erf, which costs more here), AdamW and
gradient clipping. One "epoch" is 50 optimisation steps of each task.
Run: python examples/milestones/05_transformer.py [--device cpu] [--epochs 6] [--seed 0]
"""

from __future__ import annotations

import math
import sys

from _common import parse_args, progress, save_curves

import tinytorch as tt
from tinytorch import nn
from tinytorch.data import CharTokenizer, load_text

STEPS_PER_EPOCH = 50


def tanh_gelu(x):
    return nn.functional.gelu(x, approximate="tanh")


class TinyTransformer(nn.Module):
    """Token + position embeddings, pre-norm encoder layers, a final norm and a linear head."""

    def __init__(self, vocab_size: int, context: int, d_model=64, heads=4, layers=2):
        super().__init__()
        self.token = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(context, d_model)
        layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=4 * d_model,
                                           dropout=0.0, activation=tanh_gelu, batch_first=True,
                                           norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, layers)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens, causal: bool):
        positions = tt.arange(tokens.shape[1], device=tokens.device)
        x = self.token(tokens) + self.position(positions)
        # is_causal: position i attends only to positions <= i (the attention builds the mask)
        return self.head(self.norm(self.blocks(x, is_causal=causal)))


def train_step(model, optimizer, inputs, targets, causal: bool, losses):
    logits = model(inputs, causal=causal)
    loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    optimizer.step()
    losses.append(loss.item())


def reversal_batch(batch: int, length: int, device):
    digits = tt.randint(0, 10, (batch, length), device=device)
    return digits, digits.flip(1)


def generate(model, tokenizer, prompt: str, length: int, context: int, device) -> str:
    """Sample `length` characters after `prompt`, one at a time (temperature 0.8)."""
    ids = tokenizer.encode(prompt)
    model.eval()
    with tt.no_grad():
        for _ in range(length):
            window = tt.tensor([ids[-context:]], device=device)
            probs = (model(window, causal=True)[0, -1] / 0.8).softmax(0)
            # inverse-CDF sampling: the first index whose cumulative probability passes a draw
            ids.append(_sample(probs.tolist(), tt.rand(1).item()))
    model.train()
    return tokenizer.decode(ids)


def _sample(probabilities, draw: float) -> int:
    total = 0.0
    for index, p in enumerate(probabilities):
        total += p
        if draw < total:
            return index
    return len(probabilities) - 1


def main(argv=None) -> dict:
    args = parse_args(argv, "2017 transformer: reversal and a character-level GPT", epochs=6,
                      epoch_means=f"{STEPS_PER_EPOCH} optimisation steps of each task")
    with tt.device(args.device):   # models and data on the chosen device, from its stream
        return _run(args)


def _run(args) -> dict:
    device, steps = args.device, args.epochs * STEPS_PER_EPOCH

    # 1. sequence reversal
    length = 8
    reverser = TinyTransformer(10, length)
    optimizer = tt.optim.AdamW(reverser.parameters(), lr=3e-3, weight_decay=0.01)
    reversal_losses = []
    # 2. character-level GPT
    text = load_text()
    tokenizer = CharTokenizer(text)
    data = tt.tensor(tokenizer.encode(text))
    split = int(0.9 * data.shape[0])
    context, batch = 32, 32
    gpt = TinyTransformer(tokenizer.vocab_size, context)
    gpt_optimizer = tt.optim.AdamW(gpt.parameters(), lr=3e-3, weight_decay=0.01)
    gpt_losses = []

    def text_batch(source, size):
        starts = tt.randint(0, source.shape[0] - context - 1, (size,))
        offsets = tt.arange(context)
        index = starts.reshape(-1, 1) + offsets.reshape(1, -1)
        return source[index], source[index + 1]

    # a bar per step: an epoch takes tens of seconds on a busy CPU
    with progress(steps, args, unit="step") as bar:
        for step in range(1, steps + 1):
            digits, reversed_digits = reversal_batch(64, length, device)
            train_step(reverser, optimizer, digits, reversed_digits, False, reversal_losses)
            inputs, targets = text_batch(data[:split], batch)
            train_step(gpt, gpt_optimizer, inputs, targets, True, gpt_losses)
            bar.set_postfix(epoch=1 + (step - 1) // STEPS_PER_EPOCH,
                            reverse_loss=f"{reversal_losses[-1]:.3f}",
                            text_loss=f"{gpt_losses[-1]:.3f}", refresh=False)
            bar.update(1)

    reverser.eval()
    with tt.no_grad():
        digits, reversed_digits = reversal_batch(1000, length, device)
        predicted = reverser(digits, causal=False).argmax(dim=-1)
        exact = (predicted == reversed_digits).all(dim=1).float().mean().item()
        inputs, targets = text_batch(data[split:], 256)
        logits = gpt(inputs, causal=True)
        val_loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                               targets.reshape(-1)).item()
    sample = generate(gpt, tokenizer, "The ", 160, context, device)
    print(f"reversal exact match: {exact:.1%} (target >= 95%)")
    print(f"character model: validation loss {val_loss:.3f} nats/char "
          f"(uniform guessing: {math.log(tokenizer.vocab_size):.3f})")
    print("sample:", sample.replace("\n", " "))
    save_curves(args, "05_transformer", "transformer",
                {"reversal": reversal_losses, "character-level GPT": gpt_losses})
    return {"exact_match": exact, "val_loss": val_loss, "losses": gpt_losses,
            "reversal_losses": reversal_losses, "sample": sample, "reverser": reverser}

if __name__ == "__main__":
    main(sys.argv[1:])
