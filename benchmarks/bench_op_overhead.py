"""Per-op overhead of tinytorch over raw NumPy for small (16x16 float32) add and matmul.

Issue target: at most 3 microseconds of overhead per op on the 2-core
development machine. Run: python benchmarks/bench_op_overhead.py
"""

from __future__ import annotations

import numpy as np
from _timing import machine, optional_torch, per_call_us

import tinytorch as tt


def main() -> None:
    rng = np.random.default_rng(0)
    a = rng.random((16, 16), dtype=np.float32)
    b = rng.random((16, 16), dtype=np.float32)
    ta, tb = tt.from_numpy(a), tt.from_numpy(b)
    torch = optional_torch()
    n = 50_000
    print(f"machine: {machine()}; numpy {np.__version__}"
          + (f"; torch {torch.__version__}" if torch else ""))
    print(f"{'op (16x16 float32)':<22}{'numpy us':>10}{'tinytorch us':>14}{'overhead us':>13}"
          f"{'ratio':>8}{'torch us':>10}")
    pa, pb = (torch.from_numpy(a), torch.from_numpy(b)) if torch else (None, None)
    for name, op in [("add", lambda x, y: x + y), ("matmul", lambda x, y: x @ y)]:
        np_fn, tt_fn = (lambda op=op: op(a, b)), (lambda op=op: op(ta, tb))
        torch_fn = (lambda op=op: op(pa, pb)) if torch else None
        t_np, t_tt = per_call_us(np_fn, n), per_call_us(tt_fn, n)
        t_torch = f"{per_call_us(torch_fn, n):10.2f}" if torch_fn else f"{'-':>10}"
        verdict = "ok" if t_tt - t_np <= 3.0 else "OVER 3us"
        print(f"{name:<22}{t_np:10.2f}{t_tt:14.2f}{t_tt - t_np:13.2f}{t_tt / t_np:8.2f}"
              f"{t_torch}  {verdict}")


if __name__ == "__main__":
    main()
