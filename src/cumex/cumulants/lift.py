"""Lift a state of a lower-order system into a higher-order one (a start for Newton).

Moments the lower system has keep their values; the others (beyond its order, or not reached by its
equations) take the value of the closure (their cumulants set to zero, recursively); moments the lower variant sets to zero by
symmetry stay zero. For a product state this reproduces the higher-order product state exactly.
"""

from __future__ import annotations

import numpy as np

from cumex.cumulants.bind import BoundSystem
from cumex.cumulants.closure import closure
from cumex.cumulants.moments import ONE, Moment
from cumex.cumulants.system import nonzero_filter

__all__ = ["lift_state"]


def lift_state(lower: BoundSystem, x_lower: np.ndarray, upper: BoundSystem) -> np.ndarray:
    zl = lower.z_of_x(x_lower)
    known = {m: zl[k] for k, m in enumerate(lower.compiled.zmoments) if lower.zkept[k]}
    nonzero = nonzero_filter(lower.compiled.symmetry)
    memo: dict[Moment, complex] = {}

    def value(m: Moment) -> complex:
        if m == ONE:
            return 1.0
        if m in known:
            return known[m]
        if not nonzero(m):
            return 0.0
        if m not in memo:
            # beyond the lower order, or not reached by its equations: no connected part assumed
            memo[m] = sum(k * np.prod([value(f) for f in fs]) for fs, k in closure(m, nonzero).items())  # type: ignore[misc]
        return memo[m]

    z = np.array([value(m) if upper.zkept[i] else 0.0 for i, m in enumerate(upper.compiled.zmoments)])
    return upper.x_of_z(z)
