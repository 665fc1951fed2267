"""The 8x8 handwritten digits: 1,797 small grey images of the digits 0-9, shipped with tinytorch.

What it does: `load_digits()` returns `(images, labels)`: images is float32
of shape (1797, 1, 8, 8) (one channel, ready for Conv2d) with values in
[0, 1], labels int64 of shape (1797,) with values 0-9. Each pixel of the
original counts the "on" pixels in a 4x4 block of a 32x32 scan, 0 to 16,
so the images are those counts divided by 16. Split them with
`tinytorch.data.train_test_split(images, labels, test_fraction=0.2, seed=0)`.

The file datasets/digits.csv.gz is the test part of the UCI "Optical
Recognition of Handwritten Digits" data by E. Alpaydin and C. Kaynak, as
scikit-learn distributes it: one row per image, 64 pixel counts then the
label. Licence and credits: datasets/README.md.

Assumes: the whole set fits in memory (it is 117,000 small integers); the
CSV is parsed once per process with the standard library and cached.
Production does instead: torchvision's datasets (MNIST, CIFAR) download
files on first use, verify checksums, and decode images per sample.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
from importlib import resources

from ..creation import tensor

__all__ = ["load_digits", "DIGITS_FILE"]

DIGITS_FILE = "digits.csv.gz"


@functools.lru_cache(maxsize=1)
def _digit_rows() -> tuple:
    data = resources.files(__package__).joinpath("datasets", DIGITS_FILE).read_bytes()
    text = io.StringIO(gzip.decompress(data).decode("ascii"))
    rows = tuple(tuple(int(v) for v in row) for row in csv.reader(text) if row)
    if len(rows) != 1797 or any(len(r) != 65 for r in rows):
        raise RuntimeError(f"{DIGITS_FILE} is damaged: expected 1797 rows of 65 values; "
                           f"reinstall tinytorch")
    return rows


def load_digits(device=None):
    """(images float32 (1797, 1, 8, 8) in [0, 1], labels int64 (1797,)) on `device`."""
    rows = _digit_rows()
    pixels = tensor([r[:64] for r in rows], dtype="float32", device=device)
    labels = tensor([r[64] for r in rows], dtype="int64", device=device)
    return (pixels / 16.0).reshape(-1, 1, 8, 8), labels
