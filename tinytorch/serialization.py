"""Checkpoints without pickle: `save(obj, path)` and `load(path, device=None)` in safetensors.

What it does: `save` accepts a tensor or a nested structure of dicts,
lists and tuples holding tensors, ints, floats, bools, strings and None
(a module's or an optimizer's state_dict, or a dict of both). Tensors go
into a safetensors file; everything else is described by a small JSON tree
in the file's metadata (key "tinytorch"), where each tensor appears as
{"tensor": name}. A flat dict of tensors with string keys keeps those keys
as the tensor names, so PyTorch can read it with safetensors.torch.load_file,
and `load` reads a plain safetensors file (one written by PyTorch, without
tinytorch's metadata) as a flat dict of tensors.

Loading cannot run code: safetensors is raw bytes plus a JSON header, and
the JSON tree is decoded into dicts, lists, tuples and numbers only. A
file that is not a valid checkpoint raises `CheckpointError` (a
ValueError) naming the file and what is wrong, with a hint when it looks
like a pickle or a `torch.save` zip archive.

Writes are atomic: the bytes go to a temporary file in the same directory,
are flushed and fsync'ed, and `os.replace` puts the file in place in one
step, so a crash mid-save leaves the previous checkpoint untouched and no
temporary file behind (when Python gets to clean up).

Assumes: checkpoints fit in memory twice (the bytes are built, then
written); tensors are saved detached, without requires_grad, and load onto
`device` (default: the current default device), not the device they came
from; a tensor that appears twice in `obj` is stored once and comes back
as one tensor.
Production does instead: `torch.save` pickles arbitrary Python objects into
a zip archive and `torch.load` restores each tensor to its saved device
unless told otherwise (`map_location`); since PyTorch 2.6 it defaults to
`weights_only=True`, which unpickles only tensors and plain containers,
because unpickling arbitrary objects can run code. safetensors (Hugging
Face) exists to avoid that risk and allows memory-mapped, lazy loading of
single tensors.
"""

from __future__ import annotations

import json
import os
import secrets

from safetensors import SafetensorError, safe_open
from safetensors.numpy import save as _safetensors_bytes

from .backends import host
from .creation import as_tensor
from .device import device as as_device
from .device import get_default_device
from .tensor import Tensor

__all__ = ["save", "load", "CheckpointError"]

_META_KEY = "tinytorch"
_FORMAT_VERSION = 1


class CheckpointError(ValueError):
    """A file that `tinytorch.load` cannot read as a checkpoint."""


# ---- save ------------------------------------------------------------------------------------

def save(obj, path) -> None:
    """Write `obj` (a tensor or nested dicts/lists/tuples of tensors and plain values) to `path`."""
    arrays: dict[str, object] = {}
    names_by_id: dict[int, str] = {}

    def encode(value, where: str):
        if isinstance(value, Tensor):
            name = names_by_id.get(id(value))
            if name is None:
                name = _unique(where or "tensor", arrays)
                arrays[name] = host.c_contiguous(value.detach()._host())
                names_by_id[id(value)] = name
            return {"tensor": name}
        if value is None or isinstance(value, (bool, int, str)):
            return value
        if isinstance(value, float):
            finite = value == value and abs(value) != float("inf")
            return value if finite else {"float": repr(value)}  # JSON has no nan or inf
        if isinstance(value, tuple):
            return {"tuple": [encode(v, f"{where}.{i}") for i, v in enumerate(value)]}
        if isinstance(value, list):
            return [encode(v, f"{where}.{i}") for i, v in enumerate(value)]
        if isinstance(value, dict):
            items = []
            for key, v in value.items():
                if not (key is None or isinstance(key, (bool, int, float, str))):
                    raise TypeError(f"can't save a dict key of type {type(key).__name__} at "
                                    f"{where or 'the top level'}; keys must be str, int, float, "
                                    f"bool or None")
                inner = f"{where}.{key}" if where else str(key)
                items.append([encode(key, where), encode(v, inner)])
            return {"dict": items}
        if hasattr(value, "state_dict") and hasattr(value, "parameters"):
            raise TypeError(f"can't save a whole {type(value).__name__} module at "
                            f"{where or 'the top level'}: that needs pickle, which tinytorch "
                            f"checkpoints never use. Save its weights instead: "
                            f"tinytorch.save(model.state_dict(), path), and later "
                            f"model.load_state_dict(tinytorch.load(path)).")
        if hasattr(value, "state_dict") and hasattr(value, "param_groups"):
            raise TypeError(f"can't save a whole {type(value).__name__} optimizer at "
                            f"{where or 'the top level'} (no pickle). Save "
                            f"optimizer.state_dict() instead.")
        raise TypeError(f"can't save a {type(value).__module__}.{type(value).__name__} at "
                        f"{where or 'the top level'}: checkpoints hold tensors, dicts, lists, "
                        f"tuples, ints, floats, bools, strings and None (no pickling)")

    tree = encode(obj, "")
    metadata = {_META_KEY: json.dumps({"version": _FORMAT_VERSION, "tree": tree},
                                      allow_nan=False)}
    _atomic_write(os.fspath(path), _safetensors_bytes(arrays, metadata=metadata))


def _unique(name: str, taken: dict) -> str:
    if name not in taken:
        return name
    n = 1
    while f"{name}#{n}" in taken:
        n += 1
    return f"{name}#{n}"


def _atomic_write(path: str, data: bytes) -> None:
    """Write `data` to `path` so the file is either the old one or the whole new one."""
    directory = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    # os.open with mode 0o666 lets the umask set permissions, as a plain open() would.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as file:
            _write_chunks(file, data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        try:
            os.remove(temp)
        except OSError:
            pass
        raise
    _fsync_directory(directory)


def _write_chunks(file, data: bytes, chunk: int = 1 << 24) -> None:
    view = memoryview(data)
    for start in range(0, len(view), chunk):
        file.write(view[start:start + chunk])


def _fsync_directory(directory: str) -> None:
    """Make the rename itself durable (POSIX); a no-op where directories can't be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- load ------------------------------------------------------------------------------------

def load(path, device=None, *, map_location=None, weights_only=True, mmap=None, **kwargs):
    """Read a checkpoint written by `save` (or any safetensors file) onto `device`.

    PyTorch's spellings work: `map_location` is `device` (a device or string;
    a callable or dict is refused), `weights_only=True` is what tinytorch
    always does (no pickle), and `weights_only=False` is refused because it
    would mean unpickling arbitrary objects.
    """
    if map_location is not None:
        if device is not None:
            raise TypeError("load() got both device and map_location; pass one of them")
        if callable(map_location) or isinstance(map_location, dict):
            raise TypeError("load(map_location=...) takes a device such as 'cpu' or 'cuda:0' "
                            "here; functions and dicts of remappings are not supported")
        device = map_location
    if weights_only is False:
        raise TypeError("load(weights_only=False) would unpickle arbitrary objects, which "
                        "tinytorch never does: checkpoints hold only tensors and plain values. "
                        "Drop the argument (weights_only=True is the only mode).")
    if kwargs:
        raise TypeError(f"load() got unexpected keyword arguments {sorted(kwargs)}")
    path = os.fspath(path)
    dev = get_default_device() if device is None else as_device(device)
    _check_header(path)
    try:
        with safe_open(path, framework="numpy") as file:
            metadata = file.metadata() or {}
            names = list(file.keys())
            tensors = {name: as_tensor(file.get_tensor(name), device=dev) for name in names}
    except SafetensorError as exc:
        raise CheckpointError(f"{path} is not a valid safetensors checkpoint: {exc}") from exc
    except (TypeError, KeyError, ValueError) as exc:  # e.g. a dtype NumPy/tinytorch lacks (BF16)
        raise CheckpointError(f"{path}: can't read its tensors: {exc}") from exc
    if _META_KEY not in metadata:
        return tensors  # a plain safetensors file (e.g. from PyTorch): a flat dict of tensors
    try:
        header = json.loads(metadata[_META_KEY])
        if header.get("version") != _FORMAT_VERSION:
            raise CheckpointError(f"{path} was written in tinytorch checkpoint format "
                                  f"{header.get('version')!r}; this tinytorch reads format "
                                  f"{_FORMAT_VERSION}")
        return _decode(header["tree"], tensors)
    except CheckpointError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CheckpointError(f"{path} has a damaged tinytorch structure record: {exc!r}") from exc


def _check_header(path: str) -> None:
    """Give a clear message for files that are plainly not safetensors.

    A safetensors file starts with the header's length (8 bytes, little
    endian) and then the JSON header itself, which opens with "{".
    """
    size = os.path.getsize(path)
    with open(path, "rb") as file:
        start = file.read(9)
    header_len = int.from_bytes(start[:8], "little")
    if size >= 9 and header_len <= size - 8 and start[8:9] == b"{":
        return
    if start[:4] == b"PK\x03\x04":
        raise CheckpointError(f"{path} is a zip archive, probably written by torch.save; "
                              f"tinytorch.load reads only safetensors files and never unpickles. "
                              f"Convert it in PyTorch with safetensors.torch.save_file(...).")
    if start[:1] == b"\x80" and start[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        raise CheckpointError(f"{path} is a pickle, not a safetensors file; tinytorch.load never "
                              f"unpickles (that could run code). Save with tinytorch.save or "
                              f"safetensors instead.")
    if size < 8:
        raise CheckpointError(f"{path} is not a valid safetensors checkpoint: it has {size} bytes, "
                              f"fewer than the 8-byte header length (empty or truncated file)")
    if header_len > size - 8:
        raise CheckpointError(f"{path} is not a valid safetensors checkpoint: its header claims "
                              f"{header_len} bytes but the file has only {size - 8} after the "
                              f"length field (truncated, or not a safetensors file)")
    raise CheckpointError(f"{path} is not a valid safetensors checkpoint: the header is not "
                          f"a JSON object")


def _decode(node, tensors: dict):
    if node is None or isinstance(node, (bool, int, float, str)):
        return node
    if isinstance(node, list):
        return [_decode(v, tensors) for v in node]
    (kind, body), = node.items()  # every tagged node is a dict with exactly one key
    if kind == "tensor":
        return tensors[body]
    if kind == "float":
        return float(body)
    if kind == "tuple":
        return tuple(_decode(v, tensors) for v in body)
    if kind == "dict":
        return {_decode(k, tensors): _decode(v, tensors) for k, v in body}
    raise ValueError(f"unknown node kind {kind!r}")
