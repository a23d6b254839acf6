"""Up-front estimate of the peak memory of an exact steady-state solve, so that a caller can refuse one.

Model (calibrated on this machine, fixed_kappa_over_N, r = 0.75, SuperLU with the nested-dissection order):

    peak ≈ 110 MiB + 150 B · n · f,     f = 14.4 + 2.5 log2(W/66)   (f ≥ 8)

n: real unknowns solved for (:func:`solved_unknowns`); f: entries of L + U per unknown (measured 11.9 at
W = 34, 14.4 at W = 66, 17.8 and 21.5 for the full sector at N = 300, 500); W: width of the grid across
the nested-dissection separators, 2K + 2 lines for the coherence cutoff, N + 1 for the whole sector; the
150 B per factor entry cover SuperLU's 8-byte value and index arrays with the supernode overhead (110–156 B
measured) and the 110 MiB are the interpreter with numpy and scipy. For the coherence cutoff the final K
is not known before the solve: the estimate uses ``exact_cutoff_max`` when set, else the rough prediction
K ≈ 1.3 N^0.6 (measured final K: 38 at N = 300 and 78 at N = 1000 for r = 0.95, less at lower pump).
It is an estimate (±30 % where calibrated), not a bound. With the window of satellite excitations
(``exact_window``, default) n counts the first window's unknowns (±15 binomial standard deviations around
the pump ratio; the solve may widen it).

Dicke-basis route (``exact_method="dicke"``, :mod:`.central_dicke`), measured at fixed κ/N, r = 0.95 (real
unknowns n = 3 per (l, E) site at resonance, 4 off it; SuperLU entries per unknown f = 206 at n = 9.1e4,
228 at 1.8e5; peak RSS 581 MiB at N = 2000, 979 MiB at N = 4000):

    peak ≈ 150 MiB + 24 B · n · f,     f = 206 + 32 log2(n / 9.1e4)   (f ≥ 100)

with n the unknowns of the largest window solved, estimated as twice those of the first window
(:func:`cumex.exact.central_dicke.initial_window`) grown by the check layers (the largest window solved had
1.5–2.2 times the first's unknowns at N = 1000–4000, fixed κ/N, r = 0.65–0.95).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from cumex.exact.basis import SectorBasis, WindowBasis
from cumex.exact.ladder import initial_window
from cumex.models.central_spin import CentralSpinParameters

__all__ = ["estimate_memory_bytes", "solved_unknowns", "predicted_cutoff", "largest_cutoff_within", "dicke_unknowns"]

_BASE_BYTES = 110 * 2**20
_BYTES_PER_FACTOR_ENTRY = 150.0


def predicted_cutoff(N: int) -> int:
    """Rough final ladder cutoff K of the coherence cutoff (module docstring), at most ⌊N/2⌋."""
    return min(int(math.ceil(1.3 * N**0.6)), N // 2)


def solved_unknowns(params: CentralSpinParameters, K: int | None, window: bool = False) -> int:
    """Real unknowns of the solve with ladder indices k ≤ K (None: the whole sector); ¾ of the off-diagonal
    coordinates at resonance, where Re q10 is dropped (:func:`cumex.exact.steady._real_system`). ``window``:
    the first window of the windowed cutoff (:func:`cumex.exact.ladder.initial_window` at q = pump ratio)."""
    basis: SectorBasis | WindowBasis
    if window and K is not None:
        q = min(max(params.pump_ratio, 1e-3), 1 - 1e-3)
        basis = WindowBasis(params.N, *initial_window(params.N, q, K))
    else:
        basis = SectorBasis(params.N, K)
    off = basis.off_size if params.omega == params.epsilon else 2 * basis.off_size
    return 2 * basis.diag_size + off


def dicke_unknowns(params: CentralSpinParameters) -> int:
    """Real unknowns of the last (checked) window of the Dicke route, predicted before the solve (module docstring)."""
    import numpy as np

    from cumex.exact.central_dicke import initial_window

    N = params.N
    check = max(3, int(math.ceil(math.sqrt(N) / 4)))
    lo, hi = initial_window(params).grown(N, check).bounds(N)
    sites = int(np.maximum(hi - lo + 2, 0).sum())  # sites (l, E) with E from e_lo to e_hi + 1
    return 2 * (3 if params.omega == params.epsilon else 4) * sites  # ×2: the window grows (measured 1.5–2.2×)


def _dicke_estimate(params: CentralSpinParameters) -> int:
    n = dicke_unknowns(params)
    fill = max(206.0 + 32.0 * math.log2(max(n, 1) / 9.1e4), 100.0)
    return int(150 * 2**20 + 24.0 * n * fill)


def estimate_memory_bytes(params: CentralSpinParameters, settings: Mapping[str, object] | None = None) -> int:
    """Estimated peak resident memory in bytes of :func:`cumex.exact.solver.solve` with these settings."""
    settings = dict(settings or {})
    N = params.N
    if settings.get("exact_method") == "dicke":
        return _dicke_estimate(params)
    if settings.get("exact_method", "coherence_cutoff") == "full":
        K = None
    else:
        kmax = settings.get("exact_cutoff_max")
        K = int(kmax) if isinstance(kmax, int) and not isinstance(kmax, bool) else predicted_cutoff(N)
        if K >= N // 2:
            K = None
    return _estimate(params, K, bool(settings.get("exact_window", True)))


def _estimate(params: CentralSpinParameters, K: int | None, window: bool = True) -> int:
    n = solved_unknowns(params, K, window)
    width = params.N + 1 if K is None else 2 * K + 2
    fill = max(14.4 + 2.5 * math.log2(width / 66.0), 8.0)
    return int(_BASE_BYTES + _BYTES_PER_FACTOR_ENTRY * n * fill)


def largest_cutoff_within(params: CentralSpinParameters, max_bytes: float) -> int | None:
    """Largest ladder cutoff K whose estimated peak fits in ``max_bytes`` (None: the whole sector fits;
    0: not even K = 1 fits). Pass it as ``exact_cutoff_max`` so that a solve stops, reported not converged,
    instead of running out of memory."""
    if _estimate(params, None) <= max_bytes:
        return None
    lo, hi = 0, params.N // 2  # estimate(lo) fits (or lo = 0), estimate(hi) does not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _estimate(params, mid) <= max_bytes else (lo, mid)
    return lo
