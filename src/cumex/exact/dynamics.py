"""Time evolution with the reduced generator: dw/dt = L w on the B(n) coordinates of :mod:`.basis`.

The initial state of the study ("central spin down, satellites at their uncoupled steady state") is
|0⟩⟨0| ⊗ ⊗_n (r|1⟩⟨1| + (1 − r)|0⟩⟨0|), r = Γ↑/Γ_T, a mixture of k = 0 diagonal elements with the
binomial weights w(0, 0; 0, m) = C(N, m) r^m (1 − r)^(N−m) (B = A there, so w are probabilities).
It is U(1)-invariant, so its evolution stays in the reduced sector.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse.linalg as spla
from scipy.stats import binom

from cumex.errors import CumexInputError
from cumex.exact.basis import SectorBasis
from cumex.exact.liouvillian import reduced_liouvillian
from cumex.exact.observables import observables
from cumex.models.central_spin import CentralSpinParameters

__all__ = ["initial_state", "evolve", "evolve_observables"]


def initial_state(params: CentralSpinParameters) -> np.ndarray:
    """w of the standard initial state (module docstring)."""
    basis = SectorBasis(params.N)
    w = np.zeros(basis.dim, dtype=complex)
    w[: params.N + 1] = binom.pmf(np.arange(params.N + 1), params.N, params.pump_ratio)
    return w


def evolve(params: CentralSpinParameters, w0: np.ndarray, times: np.ndarray) -> np.ndarray:
    """States w(t) at the given times (shape (len(times), D)); times[0] is the time of w0, times increasing."""
    basis = SectorBasis(params.N)
    w0 = np.asarray(w0, dtype=complex)
    times = np.asarray(times, dtype=float)
    if w0.shape != (basis.dim,):
        raise CumexInputError("w0", f"array of shape {w0.shape}", f"a vector of length {basis.dim} (N = {params.N})")
    if times.ndim != 1 or times.size == 0 or np.any(np.diff(times) < 0):
        raise CumexInputError("times", times, "a non-empty increasing 1-d array")
    L = reduced_liouvillian(params, basis).tocsc()
    out = np.empty((times.size, basis.dim), dtype=complex)
    out[0] = w0
    for i in range(1, times.size):
        dt = times[i] - times[i - 1]
        out[i] = out[i - 1] if dt == 0 else spla.expm_multiply(L * dt, out[i - 1])
    return out


def evolve_observables(params: CentralSpinParameters, w0: np.ndarray, times: np.ndarray) -> dict[str, np.ndarray]:
    """The observables of :func:`.observables.observables` along :func:`evolve`."""
    basis = SectorBasis(params.N)
    states = evolve(params, w0, times)
    rows = [observables(w, basis) for w in states]
    return {key: np.array([r[key] for r in rows]) for key in rows[0]}
