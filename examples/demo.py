"""A first look at tinytorch: a tiny classifier's forward and backward pass on one device.

The same script prints the same values and dtypes on every device; only the "device:" line
changes. Try:

    python examples/demo.py                        # the default device: cpu, or $TINYTORCH_DEVICE
    python examples/demo.py --device strict:1      # array-api-strict's second device
    TINYTORCH_DEVICE=strict:0 python examples/demo.py
    python examples/demo.py --device strict:0 --mix strict:1   # two devices in one op: an error
"""

import argparse

import tinytorch as tt


def rounded(values, places=4):
    """Nested lists of numbers with floats rounded, so the printout is short and stable."""
    if isinstance(values, list):
        return [rounded(v, places) for v in values]
    return round(values, places) if isinstance(values, float) else values


def show(name, t):
    print(f"{name:>9}: {t.dtype:<7} {str(t.shape):<7} {rounded(t.tolist())}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None,
                        help="device to run on, e.g. cpu, strict:1, cuda (default: the default "
                             "device, which TINYTORCH_DEVICE sets)")
    parser.add_argument("--mix", metavar="DEVICE", default=None,
                        help="also add a tensor from DEVICE, to see the error it raises")
    args = parser.parse_args(argv)
    if args.device is not None:
        tt.set_default_device(args.device)
    print(f"device: {tt.get_default_device()}")

    # Data and parameters: factories use the default device, and one seed gives the same
    # numbers on every device.
    tt.manual_seed(0)
    x = tt.randn(4, 3)                          # 4 examples with 3 features each
    labels = tt.tensor([0, 1, 1, 0])            # Python ints become int64
    w = tt.randn(3, 2, requires_grad=True)      # float32, the default float dtype
    b = tt.zeros(2, requires_grad=True)

    # Forward: a matmul, a broadcast add, a softmax, integer indexing and a mean.
    logits = x @ w + b
    probs = logits.softmax(dim=1)
    loss = -probs[tt.arange(4), labels].log().mean()
    correct = (logits.argmax(dim=1) == labels).sum()   # bool summed to int64
    half = (x * 0.5).to("float64")                     # an explicit cast

    # Backward: gradients land on the leaves, on the same device as the leaves.
    loss.backward()

    for name, t in [("x", x), ("labels", labels), ("logits", logits), ("probs", probs),
                    ("loss", loss), ("correct", correct), ("half", half),
                    ("w.grad", w.grad), ("b.grad", b.grad)]:
        show(name, t)

    if args.mix is not None:
        other = tt.ones(3, device=args.mix)
        try:
            x[0] + other
        except RuntimeError as error:
            print(f"mixing devices: RuntimeError: {error}")
            return 1
        print("mixing devices: no error (both tensors are on the same device)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
