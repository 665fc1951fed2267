"""Printing: NumPy's array2string lays out a tensor's values for repr().

`print_options` holds what tinytorch.set_printoptions changed (precision,
threshold, edgeitems, linewidth, sci_mode); None means NumPy's default.

Assumes: printing copies the values to the host first.
Production does instead: PyTorch formats tensors with its own _tensor_str module.
"""

from __future__ import annotations

import numpy as np

print_options: dict = {"precision": None, "threshold": None, "edgeitems": None,
                       "linewidth": None, "sci_mode": None}


def format_array(host, prefix="") -> str:
    """NumPy's printout of `host`, indented to follow `prefix`."""
    opts = print_options
    kwargs = {"precision": opts["precision"], "threshold": opts["threshold"],
              "edgeitems": opts["edgeitems"], "max_line_width": opts["linewidth"]}
    sci = opts["sci_mode"]
    if sci is not None:  # one notation for every float, as PyTorch's sci_mode
        digits = 8 if opts["precision"] is None else opts["precision"]
        style = "e" if sci else "f"
        kwargs["formatter"] = {"float_kind": lambda v: f"{v:.{digits}{style}}"}
    return np.array2string(np.asarray(host), separator=", ", prefix=prefix,
                           **{k: v for k, v in kwargs.items() if v is not None})
