"""A small text corpus and a character tokenizer, for character-level language models.

What it does: `load_text()` returns the shipped corpus (datasets/tales.txt,
about 80 KB of short, simple stories written by a grammar in
datasets/make_tales.py; see datasets/README.md). `CharTokenizer(text)`
numbers the distinct characters of a text in sorted order: `encode`
turns a string into a list of those numbers, `decode` turns numbers (a
list or an integer tensor) back into a string, and `vocab_size` is the
size of the model's output layer.

    text = load_text()
    tok = CharTokenizer(text)
    data = tinytorch.tensor(tok.encode(text))        # int64, one id per character

Assumes: one token per character, every character of the text to encode
was seen when the tokenizer was built (others raise a ValueError naming the character).
Production does instead: language models use subword tokenizers (BPE,
SentencePiece, tiktoken) learned from large corpora, so common words are
one token and any byte sequence can still be encoded.
"""

from __future__ import annotations

from importlib import resources

__all__ = ["load_text", "CharTokenizer", "TEXT_FILE"]

TEXT_FILE = "tales.txt"


def load_text() -> str:
    """The shipped corpus as one string."""
    return resources.files(__package__).joinpath("datasets", TEXT_FILE).read_text("utf-8")


class CharTokenizer:
    """Characters <-> integer ids, ids given in sorted character order."""

    def __init__(self, text: str):
        self.vocab = sorted(set(text))
        self.ids = {ch: i for i, ch in enumerate(self.vocab)}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    def encode(self, text: str) -> list[int]:
        try:
            return [self.ids[ch] for ch in text]
        except KeyError as exc:
            raise ValueError(f"character {exc.args[0]!r} is not in this tokenizer's vocabulary "
                           f"({self.vocab_size} characters); build the tokenizer from a text "
                           f"that contains it") from None

    def decode(self, ids) -> str:
        if hasattr(ids, "tolist"):
            ids = ids.tolist()
        return "".join(self.vocab[i] for i in ids)

    def __len__(self) -> int:
        return self.vocab_size
