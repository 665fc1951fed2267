"""L-BFGS: a quasi-Newton method that builds a curvature model from the last few steps.

What it does: `step(closure)` runs up to `max_iter` iterations. Each one
turns the gradient g into a direction d = -H g, where H approximates the
inverse Hessian from the last `history_size` pairs (s = step taken,
y = change of gradient) by the two-loop recursion, scaled by
gamma = s.y / y.y of the newest pair. The first direction is -g with a
step of min(1, 1/|g|_1) * lr, so a huge gradient can't throw the
parameters away. The step length is then `lr` (line_search_fn=None: one
closure call per iteration) or found by a line search satisfying the
strong Wolfe conditions (line_search_fn="strong_wolfe": enough decrease,
c1 = 1e-4, and a flat enough slope, c2 = 0.9), which brackets a good step
and then narrows the bracket with the minimiser of the cubic through its
ends. It stops early when the largest gradient entry is below
`tolerance_grad`, or the step or the loss change falls below
`tolerance_change`. The closure must zero the gradients, compute the loss,
call backward and return the loss, as in PyTorch.

Assumes: every parameter is in one group (as PyTorch requires) and the
parameters fit in memory as one flat vector twice over (the history holds
2 * history_size more); the vectors are tinytorch tensors on the
parameters' device, so it runs on every backend.
Production does instead: torch.optim.LBFGS follows the same algorithm;
large-scale code prefers first-order optimizers, or L-BFGS-B (SciPy) when
parameters have bounds.
"""

from __future__ import annotations

import math

from ..autograd import enable_grad, no_grad
from ..ops import cat, reshape
from .optimizer import Optimizer, check_hyperparameter

__all__ = ["LBFGS"]


class LBFGS(Optimizer):
    def __init__(self, params, lr: float = 1, max_iter: int = 20, max_eval=None,
                 tolerance_grad: float = 1e-7, tolerance_change: float = 1e-9,
                 history_size: int = 100, line_search_fn=None):
        check_hyperparameter("learning rate", lr)
        if not lr > 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        for name, value in (("tolerance_grad", tolerance_grad),
                            ("tolerance_change", tolerance_change)):
            check_hyperparameter(name, value)
        for name, value in (("max_iter", max_iter), ("history_size", history_size),
                            ("max_eval", max_eval)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):
                raise ValueError(f"LBFGS: {name} must be a positive int, got {value!r}")
        if line_search_fn not in (None, "strong_wolfe"):
            raise ValueError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', got "
                             f"{line_search_fn!r}")
        max_eval = max_iter * 5 // 4 if max_eval is None else max_eval
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                                      tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change,
                                      history_size=history_size, line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups): "
                             "pass one list of parameters")
        self._params = self.param_groups[0]["params"]

    # ---- the parameters as one flat vector ---------------------------------------------------
    def _flat_grad(self):
        parts = [p.grad.detach() if p.grad is not None else p.detach() * 0 for p in self._params]
        return cat([reshape(g, (-1,)) for g in parts])

    def _move(self, step, direction):
        """params += step * direction (direction is flat, split back into the parameters)."""
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(reshape(direction[offset:offset + n], p.shape) * step)
            offset += n

    def _evaluate_at(self, closure, step, direction):
        """The loss and flat gradient at params + step * direction; the params are put back."""
        saved = [p.detach().clone() for p in self._params]
        self._move(step, direction)
        with enable_grad():
            loss = float(closure())
        grad = self._flat_grad()
        for p, value in zip(self._params, saved):
            p.copy_(value)
        return loss, grad

    # ---- one call of step(closure) -----------------------------------------------------------
    def step(self, closure=None):
        if closure is None:
            raise RuntimeError("LBFGS.step needs a closure that re-evaluates the model: "
                               "def closure(): opt.zero_grad(); loss = f(); loss.backward(); "
                               "return loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        state = self.state.setdefault(self._params[0], {"func_evals": 0, "n_iter": 0})
        with enable_grad():
            first_loss = closure()
        loss, evals = float(first_loss), 1
        state["func_evals"] += 1
        with no_grad():
            grad = self._flat_grad()
            if float(grad.abs().max()) <= tol_grad:
                return first_loss
            self._iterate(closure, state, group, grad, loss, evals, lr, max_iter, max_eval,
                          tol_grad, tol_change)
        return first_loss

    def _iterate(self, closure, state, group, grad, loss, evals, lr, max_iter, max_eval,
                 tol_grad, tol_change):
        history = state.setdefault("history", [])  # (s, y, 1 / y.s), oldest first
        direction, step = state.get("d"), state.get("t")
        previous_grad = state.get("prev_flat_grad")
        scale = state.get("H_diag", 1.0)
        for n_iter in range(1, max_iter + 1):
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                direction, history[:], scale = -grad, [], 1.0
            else:
                s, y = direction * step, grad - previous_grad
                ys = float((y * s).sum())
                if ys > 1e-10:  # keep only pairs with positive curvature: H stays positive
                    if len(history) == group["history_size"]:
                        history.pop(0)
                    history.append((s, y, 1.0 / ys))
                    scale = ys / float((y * y).sum())
                direction = _two_loop(-grad, history, scale)
            previous_grad, previous_loss = grad, loss
            step = min(1.0, 1.0 / float(grad.abs().sum())) * lr if state["n_iter"] == 1 else lr
            slope = float((grad * direction).sum())
            if slope > -tol_change:  # not a descent direction any more
                break
            if group["line_search_fn"] == "strong_wolfe":
                loss, grad, step, used = _strong_wolfe(
                    lambda t, d=direction: self._evaluate_at(closure, t, d), step, direction,
                    loss, slope, tol_change)
                self._move(step, direction)
            else:
                self._move(step, direction)
                used = 0
                if n_iter != max_iter:  # the last iteration's loss is the next call's
                    with enable_grad():
                        loss = float(closure())
                    grad, used = self._flat_grad(), 1
            evals += used
            state["func_evals"] += used
            if (n_iter == max_iter or evals >= max_eval
                    or float(grad.abs().max()) <= tol_grad
                    or float((direction * step).abs().max()) <= tol_change
                    or abs(loss - previous_loss) < tol_change):
                break
        state.update(d=direction, t=step, prev_flat_grad=previous_grad, H_diag=scale)


def _two_loop(q, history, scale):
    """-H g for the L-BFGS inverse-Hessian model H (q = -g): the two-loop recursion."""
    alphas = []
    for s, y, rho in reversed(history):
        alpha = float((s * q).sum()) * rho
        q = q - y * alpha
        alphas.append(alpha)
    r = q * scale
    for (s, y, rho), alpha in zip(history, reversed(alphas)):
        beta = float((y * r).sum()) * rho
        r = r + s * (alpha - beta)
    return r


# ---- a line search for the strong Wolfe conditions (Nocedal and Wright, chapter 3) ---------

def _cubic_minimum(a, b, low, high):
    """The minimiser of the cubic matching value and slope at points a and b, each a tuple
    (t, f, slope), clipped to [low, high]; the midpoint when the cubic has no minimum."""
    (t1, f1, g1), (t2, f2, g2) = a, b
    d1 = g1 + g2 - 3 * (f1 - f2) / (t1 - t2)
    root = d1 * d1 - g1 * g2
    if root < 0:
        return (low + high) / 2
    d2 = math.copysign(math.sqrt(root), t2 - t1)
    t = t2 - (t2 - t1) * (g2 + d2 - d1) / (g2 - g1 + 2 * d2)
    return min(max(t, low), high)


def _strong_wolfe(evaluate, t, direction, f0, slope0, tol_change, c1=1e-4, c2=0.9, max_ls=25):
    """A step t with f(t) <= f0 + c1 t f'(0) and |f'(t)| <= c2 |f'(0)|, as (loss, flat
    gradient, t, evaluations). `evaluate(t)` gives the loss and flat gradient at step t."""
    def point(t):
        f, g = evaluate(t)
        return (t, f, float((g * direction).sum())), g

    previous, previous_g = (0.0, f0, slope0), None
    current, g = point(t)
    evals = 1
    # 1. bracketing: grow t until [previous, current] must hold an acceptable step
    while True:
        t, f, slope = current
        if f > f0 + c1 * t * slope0 or (evals > 1 and f >= previous[1]):
            bracket = [(previous, previous_g), (current, g)]
            break
        if abs(slope) <= -c2 * slope0:
            return f, g, t, evals
        if slope >= 0:
            bracket = [(current, g), (previous, previous_g)]
            break
        if evals == max_ls:
            return f, g, t, evals
        grown = _cubic_minimum(previous, current, t + 0.01 * (t - previous[0]), t * 10)
        previous, previous_g = current, g
        current, g = point(grown)
        evals += 1
    # 2. zoom: shrink the bracket, keeping at its first end the lowest acceptable point so far
    if bracket[0][0][1] > bracket[1][0][1]:
        bracket.reverse()
    largest = float(direction.abs().max())
    while evals < max_ls:
        (low, low_g), (high, _) = bracket
        if abs(high[0] - low[0]) * largest < tol_change:
            break
        left, right = sorted((low[0], high[0]))
        margin = 0.1 * (right - left)  # stay off the ends, or the bracket barely shrinks
        t = _cubic_minimum(low, high, left + margin, right - margin)
        current, g = point(t)
        evals += 1
        t, f, slope = current
        if f > f0 + c1 * t * slope0 or f >= low[1]:
            bracket[1] = (current, g)
        else:
            if abs(slope) <= -c2 * slope0:
                return f, g, t, evals
            if slope * (high[0] - low[0]) >= 0:
                bracket[1] = bracket[0]
            bracket[0] = (current, g)
    (t, f, _), g = bracket[0]
    if g is None:  # never moved off the start: take no step
        return f0, evaluate(0.0)[1], 0.0, evals + 1
    return f, g, t, evals
