"""Geometric nested-dissection ordering of the reduced Liouvillian for a sparse LU.

Every transition of the generator changes a = n01 + n10 (the coherence order) and b = n11 by at most one
(see the table in :mod:`.liouvillian`), so the unknowns sit on a triangular grid 0 ≤ b ≤ N − a with a
nearest-neighbour (9-point) stencil. A full grid line a = const or b = const therefore separates the
unknowns on its two sides: ordering both halves recursively and the separator last gives the classical
nested-dissection fill O(D log D) and work O(D^1.5) of 2-D grids, well below what SuperLU's general-purpose
COLAMD/MMD orderings reach here (measured in ``benchmarks/exact_scaling.py``).
"""

from __future__ import annotations

import numpy as np

__all__ = ["nested_dissection"]


def nested_dissection(a: np.ndarray, b: np.ndarray, last: int | None = None, leaf: int = 64) -> np.ndarray:
    """Permutation (new position → old index) of grid unknowns with coordinates (a, b).

    ``last`` is an unknown placed at the very end (the trace row, which couples a whole grid line).
    Halves are split at the median of the longer side; a part with at most ``leaf`` unknowns is kept
    in its given order.
    """
    idx = np.arange(a.size)
    if last is not None:
        idx = idx[idx != last]
    pieces: list[np.ndarray] = []

    def split(ix: np.ndarray) -> None:
        if ix.size <= leaf:
            pieces.append(ix)
            return
        ca, cb = a[ix], b[ix]
        coord = ca if np.ptp(ca) >= np.ptp(cb) else cb
        s = int(np.median(coord))
        lo, hi = ix[coord < s], ix[coord > s]
        if lo.size == 0 and hi.size == 0:  # a single line: nothing left to dissect
            pieces.append(ix)
            return
        split(lo)
        split(hi)
        pieces.append(ix[coord == s])

    split(idx)
    if last is not None:
        pieces.append(np.array([last]))
    return np.concatenate(pieces).astype(np.int64)
