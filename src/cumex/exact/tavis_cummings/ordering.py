"""Nested-dissection ordering of unknowns on a d-dimensional grid (the idea of :mod:`cumex.exact.ordering`).

Every transition of the Tavis–Cummings generator changes each of the coordinates (p + q, p − q, 2k, n11) by at
most two, so a hyperplane of constant coordinate (a few layers thick along the split axis) separates the
unknowns on its two sides. We split at the median of the widest coordinate, order both halves recursively
and the separator last. ``cumex.exact.ordering.nested_dissection`` does this for two coordinates and
one-layer stencils; here the coordinates are d ≥ 2 and the separator is ``width`` layers thick.
"""

from __future__ import annotations

import numpy as np

__all__ = ["grid_nested_dissection"]


def grid_nested_dissection(coords: np.ndarray, width: int = 1, leaf: int = 64, last: int | None = None) -> np.ndarray:
    """Permutation (new position → old index) of unknowns with integer coordinates ``coords`` (shape (d, n)).

    ``width``: a transition changes each coordinate by at most ``width``; separators are hyperplane slabs of
    that thickness. ``last``: an unknown placed at the very end (the trace row couples many unknowns).
    """
    idx = np.arange(coords.shape[1])
    if last is not None:
        idx = idx[idx != last]
    pieces: list[np.ndarray] = []

    def split(ix: np.ndarray) -> None:
        if ix.size <= leaf:
            pieces.append(ix)
            return
        c = coords[:, ix]
        axis = int(np.argmax(np.ptp(c, axis=1)))
        s = int(np.median(c[axis]))
        lo = ix[c[axis] < s]
        hi = ix[c[axis] >= s + width]
        sep = ix[(c[axis] >= s) & (c[axis] < s + width)]
        if lo.size == 0 or hi.size == 0:
            pieces.append(ix)
            return
        split(lo)
        split(hi)
        pieces.append(sep)

    split(idx)
    if last is not None:
        pieces.append(np.array([last], dtype=np.int64))
    return np.concatenate(pieces).astype(np.int64)
