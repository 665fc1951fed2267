"""tinytorch's own exception types.

`TensorIndexError` is what PyTorch raises as IndexError (a dimension or an
index out of range); it is also a ValueError, so code that catches the
standard "bad input" errors (TypeError, ValueError, RuntimeError) catches it.

Assumes: the built-in exception types are enough everywhere else.
Production does instead: PyTorch raises IndexError itself, and defines a
few subclasses (torch.OutOfMemoryError, torch.cuda.OutOfMemoryError) for
errors callers need to tell apart.
"""

__all__ = ["TensorIndexError"]


class TensorIndexError(IndexError, ValueError):
    """An index or dimension is out of range, or an index has the wrong type or shape."""
