"""Sequence utilities for recurrent models: pad_sequence stacks sequences of different lengths.

pad_sequence fills each sequence (L_i, *) up to the longest length T with
padding_value and stacks them into (T, B, *), or (B, T, *) with
batch_first=True; padding_side="left" puts the padding first. It is built
from cat and stack, so gradients reach every sequence.

Assumes: every sequence has the same trailing shape, dtype and device.
Production does instead: torch.nn.utils.rnn also packs padded batches
(PackedSequence, pack_padded_sequence, pad_packed_sequence) so that
cuDNN's recurrent kernels skip the padding; tinytorch's RNNs run on the
padded batch, so mask the padded steps yourself.
"""

from __future__ import annotations

from ...creation import full
from ...ops import cat, stack
from ...tensor import Tensor

__all__ = ["pad_sequence"]


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right") -> Tensor:
    """Stack sequences (L_i, *) into (T, B, *) (or (B, T, *)), padding each to the longest."""
    if padding_side not in ("right", "left"):
        raise ValueError(f"pad_sequence: padding_side must be 'right' or 'left', got "
                         f"{padding_side!r}")
    if isinstance(padding_value, bool) or not isinstance(padding_value, (int, float)):
        raise TypeError(f"pad_sequence: padding_value must be a number, got "
                        f"{type(padding_value).__name__}")
    sequences = list(sequences.unbind(0) if isinstance(sequences, Tensor) else sequences)
    if not sequences:
        raise RuntimeError("pad_sequence received an empty list of sequences; pass at least one")
    for s in sequences:
        if not isinstance(s, Tensor):
            raise TypeError(f"pad_sequence expects tensors, got a {type(s).__name__}")
        if s.ndim == 0 or s.shape[1:] != sequences[0].shape[1:]:
            raise RuntimeError(f"pad_sequence: every sequence needs shape (length, *) with the "
                               f"same trailing shape, got {tuple(sequences[0].shape)} and "
                               f"{tuple(s.shape)}")
    longest = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        filler = full((longest - s.shape[0], *s.shape[1:]), padding_value, dtype=s.dtype,
                      device=s.device)
        padded.append(cat([s, filler] if padding_side == "right" else [filler, s]))
    return stack(padded, 0 if batch_first else 1)
