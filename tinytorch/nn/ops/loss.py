"""Loss Functions: negative log-likelihood of class indices (with class weights, an ignored
index and label smoothing) and the two binary cross-entropies, each with its reduction.

Cross-entropy is fused (it equals nll_loss(log_softmax(x)), which
tests/test_fused_ops.py checks): one graph node, log_softmax from
ops/reduce.py's log_softmax_array.

Class losses: with log-probabilities L (M, C) (computed here from logits for
cross-entropy, so that it is one graph node), targets t (M,), class weights
w and smoothing e, sample i contributes
    (1 - e) * (-w[t_i] L[i, t_i]) + (e / C) * (-sum_c w_c L[i, c])
(and nothing when t_i is the ignored index). "mean" divides the sum by the
total weight sum_i w[t_i] of the non-ignored samples, as PyTorch does, so
with no weights it is the plain mean over counted samples.

Binary cross-entropy with logits uses softplus(-x) = log(1 + exp(-|x|)) + max(-x, 0),
which never overflows, and the identities -log(sigmoid(x)) = softplus(-x) and
-log(1 - sigmoid(x)) = x + softplus(-x). Plain binary cross-entropy on
probabilities clamps each log at -100, as PyTorch does, so p = 0 or 1 give
a finite loss.

Assumes: shapes and dtypes were checked by functional.py; forward checks class ranges.
Production does instead: PyTorch's nll_loss and binary_cross_entropy kernels
are the same formulas in C++/CUDA; cross_entropy fuses log_softmax and
nll_loss only in some backends.
"""

from __future__ import annotations

import math

from ...autograd import Function
from ...errors import TensorIndexError
from ...ops.reduce import log_softmax_array

__all__ = ["NllLoss", "BinaryCrossEntropyWithLogits", "BinaryCrossEntropy"]


def _reduce(xp, loss, reduction, denominator):
    if reduction == "none":
        return loss
    total = xp.sum(loss)
    return total if reduction == "sum" else total / denominator


def _upstream(grad, reduction, denominator, weight):  # for the binary losses
    """The incoming gradient per element of the unreduced loss (broadcastable), weighted."""
    if reduction == "mean":
        grad = grad / denominator
    return grad if weight is None else grad * weight


class NllLoss(Function):
    """The class-index loss of log-probabilities or, with from_logits=True, of raw scores.

    Both are written as -sum_c q[i, c] L[i, c] with the target weights
    q[i, c] = w_c * ((1 - e) * [c == t_i] + e / C), and zero rows for ignored samples,
    so the gradient with respect to L is simply -q (times the reduction's factor).
    from_logits folds log_softmax into this node (cross-entropy in one step): backward
    then applies log_softmax's derivative, dL -> dL - softmax * sum(dL), which for
    one-hot targets is the familiar softmax - one_hot.
    """

    def forward(self, scores, target, weight, *, ignore_index, smoothing, reduction,
                from_logits):
        xp = self.xp
        rows, classes = scores.shape
        logp = log_softmax_array(xp, scores, 1) if from_logits else scores
        positions = xp.arange(classes, dtype=target.dtype, device=target.device)
        q = xp.astype(positions[None, :] == target[:, None], logp.dtype)   # one-hot (M, C)
        keep = None
        # Every row of the one-hot holds a 1 exactly when every target is a class index; then
        # (unless ignore_index is itself a class) nothing is ignored: the common, fast case.
        if 0 <= ignore_index < classes or int(xp.sum(q)) != rows:
            valid = target != ignore_index
            if bool(xp.any(valid & ((target < 0) | (target >= classes)))):
                raise TensorIndexError(
                    f"Target out of bounds: class indices must lie in [0, {classes - 1}] (the "
                    f"input has {classes} classes) or equal ignore_index={ignore_index}, but "
                    f"the targets range from {int(xp.min(target))} to {int(xp.max(target))}. "
                    f"Check that the last layer has one output per class.")
            keep = xp.astype(valid, logp.dtype)[:, None]
            q = q * keep
        counted = q if weight is None else q * weight[None, :]   # w[t_i] at the target class
        if smoothing:
            spread = (smoothing / classes) * (1.0 if weight is None else weight[None, :])
            q = (1 - smoothing) * counted + (spread if keep is None else spread * keep)
        else:
            q = counted
        self.reduction, self.denominator = reduction, None
        if keep is None and weight is None and not smoothing:
            # q is one-hot: each row's term is its target's logp, picked directly (the general
            # form below costs four passes over (rows, classes), one a where() with no pattern)
            row_starts = xp.arange(rows, dtype=target.dtype, device=target.device) * classes
            terms = xp.take(xp.reshape(logp, (-1,)), row_starts + target)
        else:
            # where, not logp * q alone: a class with probability 0 (logp = -inf) that is not
            # the target must add 0, not -inf * 0 = nan (PyTorch picks the target's logp instead)
            terms = xp.sum(xp.where(q == 0, xp.zeros_like(logp), logp) * q, axis=1)
        if reduction == "none":
            loss = -terms
        else:
            loss = -xp.sum(terms)
            if reduction == "mean":  # divide by the total weight of the counted samples
                self.denominator = rows if weight is None and keep is None else xp.sum(counted)
                loss = loss / self.denominator
        self.save_for_backward(q, logp if from_logits else None)
        self.rows_sum_to_one = weight is None and keep is None
        return loss

    def backward(self, grad):
        xp = self.xp
        q, logp = self.saved
        upstream = grad[:, None] if self.reduction == "none" else grad
        if self.reduction == "mean":
            upstream = upstream / self.denominator
        if logp is None:
            return -q * upstream, None, None
        # back through log_softmax: -q u  ->  u * (softmax * sum_c q - q)
        probs = xp.exp(logp)
        if not self.rows_sum_to_one:
            probs = probs * xp.sum(q, axis=1, keepdims=True)
        return (probs - q) * upstream, None, None


class _BinaryLoss(Function):
    """What the two binary losses share: an elementwise loss of (input, target), weighted,
    then reduced; backward hands each subclass the upstream gradient per element."""

    def _finish(self, loss, weight, reduction, *saved):
        if weight is not None:
            loss = loss * weight
        self.save_for_backward(*saved)
        self.reduction, self.count, self.weight = reduction, math.prod(loss.shape), weight
        return _reduce(self.xp, loss, reduction, self.count)

    def backward(self, grad):
        upstream = _upstream(grad, self.reduction, self.count, self.weight)
        grad_input = self._input_grad(self.xp, *self.saved) * upstream \
            if self.needs_grad(0) else None
        grad_target = self._target_grad(self.xp, *self.saved) * upstream \
            if self.needs_grad(1) else None
        return (grad_input, grad_target) + (None,) * (len(self.edges) - 2)


class BinaryCrossEntropyWithLogits(_BinaryLoss):
    def forward(self, x, y, weight, pos_weight, *, reduction):
        xp = self.xp
        softplus_neg = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, xp.zeros_like(x))
        scale = 1.0 if pos_weight is None else 1.0 + (pos_weight - 1.0) * y
        loss = (1.0 - y) * x + scale * softplus_neg
        return self._finish(loss, weight, reduction, x, y, pos_weight, softplus_neg)

    def _input_grad(self, xp, x, y, pos_weight, softplus_neg):
        sigmoid = xp.exp(-softplus_neg)     # exp of a value <= 0: never overflows
        scale = 1.0 if pos_weight is None else 1.0 + (pos_weight - 1.0) * y
        return (1.0 - y) + scale * (sigmoid - 1.0)

    def _target_grad(self, xp, x, y, pos_weight, softplus_neg):
        extra = 0.0 if pos_weight is None else (pos_weight - 1.0) * softplus_neg
        return extra - x


class BinaryCrossEntropy(_BinaryLoss):
    _FLOOR = -100.0   # PyTorch's clamp for log(0)
    _EPS = 1e-12      # PyTorch's guard for the 1 / (p (1 - p)) of the gradient

    def forward(self, p, y, weight, *, reduction):
        xp = self.xp
        log_p = self._clamped_log(xp, p, p > 0)
        log_q = self._clamped_log(xp, 1.0 - p, p < 1)
        loss = -(y * log_p + (1.0 - y) * log_q)
        return self._finish(loss, weight, reduction, p, y, log_p, log_q)

    def _clamped_log(self, xp, value, positive):
        """max(log(value), -100) without evaluating log(0) (which would warn)."""
        safe = xp.where(positive, value, xp.ones_like(value))
        return xp.where(positive, xp.maximum(xp.log(safe), self._FLOOR), self._FLOOR)

    def _input_grad(self, xp, p, y, log_p, log_q):
        return (p - y) / xp.maximum((1.0 - p) * p, self._EPS)

    def _target_grad(self, xp, p, y, log_p, log_q):
        return log_q - log_p
