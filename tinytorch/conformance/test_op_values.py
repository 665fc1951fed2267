"""Category "values": every op in the shared table (tinytorch.testing.opspecs.OPS) agrees with
its NumPy reference, computed on the host, on every device.

Inputs come from `opspecs.arguments` (random shapes that broadcast, 0-d tensors and empty
dimensions where the op allows them); floating inputs also get nan, inf, -inf and -0.0 mixed
in, where the op defines them. When NumPy refuses an input (an empty max, say), tinytorch must
refuse it too, and the other way round.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinytorch.testing.opspecs import OPS, by_name

from .config import examples
from .support import (
    SPECIAL_VALUES,
    check_placement,
    host,
    is_float,
    mismatch,
    op_arguments,
    outputs,
    reference_outputs,
    scale_for,
    skip_unless_dtypes,
    to_device,
)

pytestmark = pytest.mark.conformance("values")

# Ops that define only some special values, with the reason. Every other op that takes
# floats is checked with nan, inf, -inf and -0.0 mixed into its inputs.
_MAX_SHIFTED = ("the NumPy reference subtracts the maximum first, so an infinite maximum gives "
                "inf - inf = nan where tinytorch (like PyTorch) returns the limit")
_LOSSES = ("a loss is one number: a nan or infinite input decides it, and PyTorch's answers "
           "there (refuse, or the limit) are the error contract's, not a value to compare")
SPECIALS_ONLY = {
    "logsumexp": ((math.nan, -0.0), _MAX_SHIFTED),
    "logsumexp_dim": ((math.nan, -0.0), _MAX_SHIFTED),
    "softmax": ((math.nan, -0.0), _MAX_SHIFTED),
    "log_softmax": ((math.nan, -0.0), _MAX_SHIFTED),
    "softmax_fused": ((math.nan, -0.0), _MAX_SHIFTED),
    "log_softmax_fused": ((math.nan, -0.0), _MAX_SHIFTED),
    **{name: ((-0.0,), _LOSSES) for name in ("cross_entropy", "nll_loss", "binary_cross_entropy",
                                             "binary_cross_entropy_with_logits")},
}

# NumPy's quantile interpolates inf - inf = nan where one or both ends are infinite
# (np.quantile([inf], 0.3) is nan); tinytorch returns the infinite end, as PyTorch does
SPECIALS_ONLY.update(dict.fromkeys(
    ("quantile", "quantile_q_tensor", "nanquantile"),
    ((math.nan, -0.0), "NumPy's interpolation gives nan at an infinite end; PyTorch keeps it")))
# einsum sums a letter only one operand uses before multiplying (as PyTorch does), so an inf
# meets a 0 in other places than in NumPy's product-then-sum
# LU: LAPACK's recursive getrf meets a nan in another order than the column-by-column
# elimination (and SciPy refuses nan outright); expm keeps zeros SciPy's algorithm keeps
SPECIALS_ONLY.update(dict.fromkeys(
    ("linalg_lu_factor", "linalg_lu_rectangular", "linalg_lu", "linalg_lu_solve",
     "linalg_lu_solve_adjoint", "linalg_matrix_exp"),
    ((-0.0,), "where nan and inf spread inside a factorization depends on the algorithm's "
              "order of operations, which differs from LAPACK's and SciPy's")))
# an inf or nan in A: NumPy's lstsq and cholesky refuse some and return nan for others, by
# LAPACK routine; tinytorch refuses inf and nan in lstsq's A, and solves cholesky_solve by two
# triangular solves where the reference takes one general solve
SPECIALS_ONLY.update(dict.fromkeys(
    ("linalg_lstsq_tall", "linalg_lstsq_wide", "cholesky_solve", "cholesky_solve_upper"),
    ((-0.0,), "NumPy's answer to inf and nan in a factorization depends on the LAPACK routine "
              "it calls")))
# a chain of products is evaluated in its cheapest order, which need not be NumPy's, and BLAS
# may skip a 0 times nan: where inf * 0 and nan * 0 appear differs between the two
SPECIALS_ONLY.update(dict.fromkeys(("linalg_multi_dot", "chain_matmul"), (
    (-0.0,), "the order of a chain of products decides where inf * 0 and nan * 0 appear")))
SPECIALS_ONLY["einsum_contract_all"] = ((math.nan, -0.0), "inf * 0 depends on the order of "
                                        "summing; tinytorch sums first, as PyTorch does")


def _with_specials(data, args, name):
    """`args` with a few elements of float arguments replaced by nan, +-inf or -0.0."""
    if not any(a.dtype.kind == "f" and a.size for a in args):
        return args
    allowed = SPECIALS_ONLY.get(name, (SPECIAL_VALUES,))[0]
    changes = data.draw(st.lists(st.tuples(st.integers(0, len(args) - 1), st.integers(0, 10**6),
                                           st.sampled_from(allowed)), max_size=3),
                        label="special values (argument, position, value)")
    args = [a.copy() for a in args]
    for which, position, value in changes:
        if args[which].dtype.kind == "f" and args[which].size:
            args[which].reshape(-1)[position % args[which].size] = value
    return tuple(args)


def run_reference(spec, args, result_dtypes):
    """NumPy's answer. Integer arguments of an op whose result is floating are converted to
    that float dtype first, as tinytorch documents (NumPy would compute in float16)."""
    if result_dtypes and all(is_float(d) for d in result_dtypes):
        args = [a.astype(result_dtypes[0]) if a.dtype.kind in "biu" else a for a in args]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reference_outputs(spec.reference(*args))


def check_values(spec, args, device):
    """Run `spec` on `device` and NumPy; raise AssertionError describing any disagreement."""
    tensors = [to_device(a, device) for a in args]
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = outputs(spec.fn(*tensors))
    except Exception as exc:  # noqa: BLE001
        try:
            expected = run_reference(spec, args, [])
        except Exception:  # noqa: BLE001 - both refuse the input: that agrees
            return
        raise AssertionError(f"{spec.name} raised {type(exc).__name__}: {exc} on {device}, but "
                             f"NumPy returns {expected}") from exc
    check_placement(got, device)
    try:
        expected = run_reference(spec, args, [t.dtype for t in got])
    except Exception as exc:  # noqa: BLE001
        raise AssertionError(f"{spec.name} returned {got} on {device}, but NumPy refuses the "
                             f"input: {type(exc).__name__}: {exc}") from exc
    assert len(got) == len(expected), (
        f"{spec.name} returned {len(got)} tensors on {device}, NumPy {len(expected)}")
    for i, (t, e) in enumerate(zip(got, expected)):
        problem = mismatch(host(t), e, t.dtype, scale=scale_for(args, e))
        assert problem is None, f"{spec.name} output {i} ({t.dtype}) on {device}: {problem}"


@pytest.mark.parametrize("name", [spec.name for spec in OPS])
@examples("values")
@given(data=st.data())
def test_op_matches_numpy(device, name, data):
    spec = by_name(name)
    dtypes = skip_unless_dtypes(device, spec.dtypes, name)
    dtype = data.draw(st.sampled_from(dtypes), label="dtype")
    args = data.draw(op_arguments(spec, dtype), label="arguments")
    args = _with_specials(data, args, name)
    check_values(spec, args, device)
