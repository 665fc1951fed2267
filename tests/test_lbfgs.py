"""optim.LBFGS: PyTorch's algorithm (two-loop recursion, first-step scaling, optional strong
Wolfe line search), checked against a closed-form minimum and step by step against PyTorch."""

import numpy as np
import pytest

import tinytorch as tt


def _least_squares(lib, device=None):
    rng = np.random.default_rng(0)
    A, b = rng.standard_normal((30, 4)), rng.standard_normal(30)
    kwargs = {} if device is None else {"device": device}
    return lib.tensor(A, **kwargs), lib.tensor(b, **kwargs), np.linalg.lstsq(A, b, rcond=None)[0]


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_lbfgs_finds_the_least_squares_solution(device, line_search):
    A, b, solution = _least_squares(tt, device)
    w = tt.zeros(4, dtype="float64", device=device, requires_grad=True)
    opt = tt.optim.LBFGS([w], max_iter=50, line_search_fn=line_search)

    def closure():
        opt.zero_grad()
        loss = ((A @ w - b) ** 2).sum()
        loss.backward()
        return loss

    for _ in range(3):
        opt.step(closure)
    np.testing.assert_allclose(w.detach().tolist(), solution, atol=1e-5)  # tolerance_change stop
    assert opt.state[w]["n_iter"] >= 4 and opt.state[w]["func_evals"] >= opt.state[w]["n_iter"]


def _rosenbrock_run(lib, line_search, start, lr, max_iter=20, history_size=100, calls=4):
    w = lib.tensor(np.array(start), requires_grad=True)
    opt = lib.optim.LBFGS([w], lr=lr, max_iter=max_iter, history_size=history_size,
                          line_search_fn=line_search)

    def closure():
        opt.zero_grad()
        loss = ((1 - w[:-1]) ** 2).sum() + 100 * ((w[1:] - w[:-1] ** 2) ** 2).sum()
        loss.backward()
        return loss

    losses = [float(opt.step(closure).detach()) for _ in range(calls)]
    state = opt.state[w]
    return losses, np.array(w.detach().tolist()), state["func_evals"], state["n_iter"]


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
@pytest.mark.parametrize("start, lr, max_iter, history", [
    ([-1.2, 1.0, 0.5, -0.3], 1.0, 20, 100), ([3.0, -2.0, 1.5], 0.5, 20, 100),
    ([0.5, 0.5, -1.0], 1.0, 5, 3)])
def test_lbfgs_takes_pytorchs_steps(line_search, start, lr, max_iter, history):
    torch = pytest.importorskip("torch")
    theirs = _rosenbrock_run(torch, line_search, start, lr, max_iter, history)
    ours = _rosenbrock_run(tt, line_search, start, lr, max_iter, history)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-7, atol=1e-12)
    assert ours[2:] == theirs[2:]  # the same number of evaluations and iterations


def test_lbfgs_refuses_what_it_cannot_do():
    w = tt.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="closure"):
        tt.optim.LBFGS([w]).step()
    with pytest.raises(ValueError, match="strong_wolfe"):
        tt.optim.LBFGS([w], line_search_fn="backtracking")
    with pytest.raises(ValueError, match="groups"):
        tt.optim.LBFGS([{"params": [w]}, {"params": [tt.zeros(1, requires_grad=True)]}])
