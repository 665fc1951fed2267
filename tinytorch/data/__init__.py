"""Data loading: datasets, batching, and the small datasets shipped with tinytorch.

    images, labels = tinytorch.data.load_digits()
    (x_train, y_train), (x_test, y_test) = tinytorch.data.train_test_split(images, labels)
    loader = tinytorch.data.DataLoader(tinytorch.data.TensorDataset(x_train, y_train),
                                       batch_size=64, shuffle=True)
    for x, y in loader: ...

Read dataset.py, collate.py and dataloader.py for the machinery; digits.py
and text.py for the shipped data (licences in datasets/README.md).
PyTorch keeps this in `torch.utils.data` (and datasets in torchvision);
`tinytorch.utils.data` is the same module under PyTorch's name.
"""

from .collate import default_collate
from .dataloader import DataLoader
from .dataset import Dataset, Subset, TensorDataset
from .digits import load_digits
from .distributed import DistributedSampler
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)
from .split import random_split, train_test_split
from .text import CharTokenizer, load_text
from .worker import get_worker_info

__all__ = ["Dataset", "TensorDataset", "Subset", "DataLoader", "default_collate",
           "load_digits", "train_test_split", "random_split", "load_text", "CharTokenizer",
           "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler", "get_worker_info"]
__all__ += ["DistributedSampler"]
