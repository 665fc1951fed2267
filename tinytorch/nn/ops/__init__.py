"""The Functions (forward and backward side by side) that only tinytorch.nn needs.

Each module holds one family: `linear` (x @ W.T + b), `conv` (unfold + matmul), `fold`
(im2col and col2im, each the other's backward), `pool` (max and average pooling), `erf`
(the error function, for exact GELU), `activation` (GELU, softmax, log-softmax),
`normalization` (batch and layer norm), `loss` (the class-index, binary and probability
losses), `embedding` and `dropout`. They compute on
backend arrays through `self.xp`, like the core ops in tinytorch/ops; users call them
through tinytorch.nn.functional, which checks arguments and picks the Function.
Their gradients are tested in tests/test_nn_*.py (the core op table does not list them).
"""
