"""Forward + backward of (x * x + x).sum() for a 16x16 float32 tensor: tinytorch vs PyTorch.

Issue target: tinytorch takes no longer than PyTorch on the same machine,
measured side by side in one run. PyTorch is optional (pip install torch);
without it only tinytorch's time is printed.
Run: python benchmarks/bench_autograd.py
"""

from __future__ import annotations

import numpy as np
from _timing import machine, optional_torch, per_call_us

import tinytorch as tt


def main() -> None:
    data = np.random.default_rng(0).random((16, 16), dtype=np.float32)
    x = tt.tensor(data, requires_grad=True)

    def tinytorch_step():
        x.grad = None
        (x * x + x).sum().backward()

    torch = optional_torch()
    n = 20_000
    print(f"machine: {machine()}" + (f"; torch {torch.__version__}" if torch else ""))
    t_tt = per_call_us(tinytorch_step, n)
    expected = 2 * data + 1
    if not np.allclose(x.grad.numpy(), expected):
        raise SystemExit("tinytorch computed a wrong gradient; the timing is meaningless")
    line = f"(x*x + x).sum() fwd+bwd, 16x16 float32: tinytorch {t_tt:.2f} us"
    if torch:
        xt = torch.tensor(data, requires_grad=True)

        def torch_step():
            xt.grad = None
            (xt * xt + xt).sum().backward()

        t_torch = per_call_us(torch_step, n)
        verdict = "ok" if t_tt <= t_torch else "SLOWER than PyTorch"
        line += f", torch {t_torch:.2f} us, ratio {t_tt / t_torch:.2f}  {verdict}"
    print(line)


if __name__ == "__main__":
    main()
