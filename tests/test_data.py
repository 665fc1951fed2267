"""Datasets, DataLoader, collate, the shipped digits and text corpus, and the seeded split."""

import collections
import pathlib
from importlib import resources

import numpy as np
import pytest

import tinytorch as tt
from tinytorch.data import (
    CharTokenizer,
    DataLoader,
    Dataset,
    TensorDataset,
    default_collate,
    load_digits,
    load_text,
    random_split,
    train_test_split,
)
from tinytorch.testing import assert_close


def numbered(n=10, device="cpu"):
    """A dataset whose sample i is (row of i's, i): easy to check which samples a batch holds."""
    x = tt.tensor(np.repeat(np.arange(n, dtype=np.float32)[:, None], 3, axis=1), device=device)
    y = tt.arange(n, device=device)
    return TensorDataset(x, y)


def sample_ids(loader):
    return [yb.tolist() for _, yb in loader]


# ---- datasets ------------------------------------------------------------------------------

def test_tensor_dataset_rows():
    ds = numbered(5)
    assert len(ds) == 5
    x, y = ds[3]
    assert x.tolist() == [3.0, 3.0, 3.0] and y.item() == 3
    with pytest.raises(ValueError, match="Size mismatch"):
        TensorDataset(tt.zeros(3, 2), tt.zeros(4))
    with pytest.raises(TypeError):
        TensorDataset(tt.tensor(1.0))


# ---- DataLoader ----------------------------------------------------------------------------

def test_batches_in_order_and_last_partial_batch(device):
    loader = DataLoader(numbered(10, device), batch_size=4)
    assert len(loader) == 3
    batches = list(loader)
    assert [b[0].shape for b in batches] == [(4, 3), (4, 3), (2, 3)]
    assert [b[1].tolist() for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert all(b[0].device == device and b[1].device == device for b in batches)
    assert batches[0][1].dtype == "int64" and batches[0][0].dtype == "float32"


def test_drop_last():
    loader = DataLoader(numbered(10), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert sample_ids(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(numbered(8), batch_size=4, drop_last=True)) == 2


def test_shuffle_visits_every_sample_once_in_a_new_order_each_epoch():
    loader = DataLoader(numbered(50), batch_size=8, shuffle=True, seed=3)
    first = [i for batch in sample_ids(loader) for i in batch]
    second = [i for batch in sample_ids(loader) for i in batch]
    assert sorted(first) == sorted(second) == list(range(50))
    assert first != list(range(50)) and first != second


def test_shuffle_reproducible_with_manual_seed():
    tt.manual_seed(7)
    a = sample_ids(DataLoader(numbered(30), batch_size=8, shuffle=True))
    tt.manual_seed(7)
    b = sample_ids(DataLoader(numbered(30), batch_size=8, shuffle=True))
    tt.manual_seed(8)
    c = sample_ids(DataLoader(numbered(30), batch_size=8, shuffle=True))
    assert a == b and a != c


def test_shuffle_reproducible_with_its_own_seed_whatever_else_draws():
    a = DataLoader(numbered(30), batch_size=8, shuffle=True, seed=11)
    epochs_a = [sample_ids(a) for _ in range(2)]
    tt.randn(100)  # other random draws in between must not matter
    b = DataLoader(numbered(30), batch_size=8, shuffle=True, seed=11)
    epochs_b = [sample_ids(b) for _ in range(2)]
    assert epochs_a == epochs_b
    other = DataLoader(numbered(30), batch_size=8, shuffle=True, seed=12)
    assert sample_ids(other) != epochs_a[0]


def test_tensor_fast_path_equals_per_sample_collation(device):
    ds = numbered(23, device)
    fast = list(DataLoader(ds, batch_size=5, shuffle=True, seed=0))
    slow = list(DataLoader(ds, batch_size=5, shuffle=True, seed=0, collate_fn=default_collate))
    assert len(fast) == len(slow) == 5
    for (fx, fy), (sx, sy) in zip(fast, slow):
        assert_close(fx, sx)
        assert_close(fy, sy)
        assert fx.device == sx.device == device


def test_batches_are_copies():
    ds = numbered(6)
    for x, _ in DataLoader(ds, batch_size=3):
        with tt.no_grad():
            x.mul_(0)
    assert ds[4][0].tolist() == [4.0, 4.0, 4.0]


def test_custom_dataset_and_collate_fn():
    class Squares(Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            return {"x": tt.tensor([float(i)]), "y": i * i, "name": f"s{i}"}

    batches = list(DataLoader(Squares(), batch_size=3))
    assert [b["y"].tolist() for b in batches] == [[0, 1, 4], [9, 16, 25], [36]]
    assert batches[0]["x"].shape == (3, 1) and batches[0]["y"].dtype == "int64"
    assert batches[1]["name"] == ["s3", "s4", "s5"]
    counted = list(DataLoader(Squares(), batch_size=4, collate_fn=len))
    assert counted == [4, 3]


def test_base_dataset_must_be_subclassed():
    with pytest.raises(NotImplementedError):
        len(Dataset())


def test_bad_batch_size():
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(numbered(3), batch_size=0)


# ---- default_collate -----------------------------------------------------------------------

def test_collate_numbers_and_tensors():
    assert default_collate([1, 2, 3]).dtype == "int64"
    floats = default_collate([0.5, 1.5])
    assert floats.dtype == "float64" and floats.tolist() == [0.5, 1.5]
    assert default_collate([True, False]).dtype == "bool"
    stacked = default_collate([tt.ones(2, 3), tt.zeros(2, 3)])
    assert stacked.shape == (2, 2, 3) and stacked[0].sum().item() == 6
    assert default_collate(["a", "b"]) == ["a", "b"]
    with pytest.raises(ValueError):
        default_collate([])


def test_collate_structures():
    Pair = collections.namedtuple("Pair", "image label")
    batch = default_collate([Pair(tt.ones(2), 1), Pair(tt.zeros(2), 0)])
    assert isinstance(batch, Pair) and batch.label.tolist() == [1, 0]
    nested = default_collate([{"a": (tt.ones(1), [2, 3.0])}, {"a": (tt.zeros(1), [4, 5.0])}])
    x, (ints, floats) = nested["a"][0], nested["a"][1]
    assert x.shape == (2, 1) and ints.tolist() == [2, 4] and floats.tolist() == [3.0, 5.0]
    assert isinstance(nested["a"], tuple) and isinstance(nested["a"][1], list)
    with pytest.raises(RuntimeError, match="same number of fields"):
        default_collate([(1, 2), (3,)])


# ---- digits --------------------------------------------------------------------------------

def test_digits_shapes_ranges_and_labels():
    images, labels = load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == "float32"
    assert labels.shape == (1797,) and labels.dtype == "int64"
    assert images.min().item() == 0.0 and images.max().item() == 1.0
    # pixel counts 0..16 scaled by 1/16: every value is a multiple of 1/16
    assert_close(images * 16, (images * 16).round(), rtol=0, atol=1e-6)
    counts = [(labels == k).sum().item() for k in range(10)]
    assert counts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]  # UCI's test-set counts
    # the first image of the file, top row: 0,0,5,13,9,1,0,0 (a zero)
    assert_close(images[0, 0, 0] * 16, [0.0, 0.0, 5.0, 13.0, 9.0, 1.0, 0.0, 0.0])
    assert labels[:3].tolist() == [0, 1, 2]


def test_digits_on_a_device(device):
    images, labels = load_digits(device=device)
    assert images.device == device and labels.device == device
    assert labels.sum().item() == sum(k * c for k, c in enumerate(
        [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]))


def test_train_test_split_is_fixed_disjoint_and_paired():
    images, labels = load_digits()
    rows = tt.arange(1797)
    (x_tr, y_tr, r_tr), (x_te, y_te, r_te) = train_test_split(images, labels, rows,
                                                              test_fraction=0.2, seed=0)
    assert x_tr.shape == (1438, 1, 8, 8) and x_te.shape == (359, 1, 8, 8)
    assert y_tr.shape == (1438,) and y_te.shape == (359,)
    assert sorted(r_tr.tolist() + r_te.tolist()) == list(range(1797))
    assert_close(y_te, labels[r_te])  # rows stay paired
    assert_close(x_te, images[r_te])
    (_, _, again), _ = train_test_split(images, labels, rows, seed=0)
    (_, _, other), _ = train_test_split(images, labels, rows, seed=1)
    assert again.tolist() == r_tr.tolist() and other.tolist() != r_tr.tolist()
    assert r_tr.tolist() != sorted(r_tr.tolist())  # shuffled, not a prefix
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(images, test_fraction=1.0)
    with pytest.raises(ValueError, match="same number of rows"):
        train_test_split(images, labels[:10])


def test_random_split_of_a_dataset():
    parts = random_split(numbered(10), [7, 3], seed=5)
    assert [len(p) for p in parts] == [7, 3]
    ids = [p[i][1].item() for p in parts for i in range(len(p))]
    assert sorted(ids) == list(range(10))
    with pytest.raises(ValueError, match="sum"):
        random_split(numbered(10), [5, 4])


# ---- text ----------------------------------------------------------------------------------

def test_text_corpus_and_tokenizer():
    text = load_text()
    assert 20_000 <= len(text.encode("utf-8")) <= 100_000
    assert text.startswith("Once there was")
    tok = CharTokenizer(text)
    assert tok.vocab == sorted(set(text)) and len(tok) == tok.vocab_size == len(set(text))
    ids = tok.encode("Once there was a fox.")
    assert all(0 <= i < tok.vocab_size for i in ids)
    assert tok.decode(ids) == "Once there was a fox."
    assert tok.decode(tt.tensor(ids)) == "Once there was a fox."
    with pytest.raises(ValueError, match="not in this tokenizer"):
        tok.encode("~")


def test_text_file_is_what_its_generator_writes():
    script = resources.files("tinytorch.data").joinpath("datasets", "make_tales.py")
    namespace = {"__name__": "make_tales"}  # run it as a script would, but without its output
    exec(compile(script.read_text("utf-8"), str(script), "exec"), namespace)
    assert namespace["main"]() == load_text()


# ---- packaging -----------------------------------------------------------------------------

def test_data_files_are_declared_as_package_data():
    tomllib = pytest.importorskip("tomllib", reason="tomllib (to read pyproject.toml) is in the "
                                                    "standard library from Python 3.11 on")
    root = pathlib.Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["tinytorch.data"]
    data_dir = root / "tinytorch" / "data"
    shipped = {p.relative_to(data_dir).as_posix() for pattern in patterns
               for p in data_dir.glob(pattern)}
    assert {"datasets/digits.csv.gz", "datasets/tales.txt", "datasets/README.md",
            "datasets/make_tales.py"} <= shipped
    assert "safetensors" in " ".join(config["project"]["dependencies"])
