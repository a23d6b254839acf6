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

Dicke-basis route (``exact_method="dicke"``, and "auto" above N = 4000; :mod:`.central_dicke`), fitted to the
peak RSS of whole solves (2 shared cores, load 1–1.6, 2026-12-02; `/usr/bin/time`): where mean field lases,
581 MiB at N = 2000 and 979 MiB at N = 4000 (fixed κ/N, r = 0.95), at N = 10,000 / 20,000 2.7 / 5.2 GB
(fixed κ/N, r = 0.75, the largest of both scalings and r = 0.75, 0.95), 1.2 / 2.2 GB (fixed κ/N, r = 0.95),
0.95 / 1.4 GB and 0.36 / 0.50 GB (fixed g√N, r = 0.75, 0.95); where it does not lase (r = 0.3, both scalings)
0.67 / 0.80 GB:

    peak ≈ 300 MB + 1.5 kB · D,     D the complex elements of the first window
                                    (:func:`cumex.exact.central_dicke_window.initial_window`)

measured/estimated over these 14 points 0.40–1.8 (below 0.5 only at fixed g√N, r = 0.75 and 0.95, N = 10,000 and
20,000: 0.40–0.49, where the lasing box is ~4× the state; over-estimates, the safe side), against 0.10–1.1 for a
fit linear in N alone.
The window (and so the memory) grows like N: its sides grow like √N.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

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
    """Real unknowns of the Dicke route's first window (:func:`cumex.exact.central_dicke_window.initial_window`;
    an upper bound of the final one where mean field lases, 1–4× above it at N = 10,000)."""
    import numpy as np

    from cumex.exact.central_dicke import initial_window

    lo, hi = initial_window(params).bounds(params.N)
    sites = int(np.maximum(hi - lo + 2, 0).sum())  # sites (l, E) with E from e_lo to e_hi + 1
    return (3 if params.omega == params.epsilon else 4) * sites


def _window_elements(N: int, window, fock: int = 1) -> int:
    """Complex elements of the Dicke basis (N, ``fock``, ``window``) without building it: a row of w emitter
    labels and photon numbers 0..F gives blocks E whose sizes n(E) form a trapezoid (the convolution of two
    intervals), Σ n² = 2 Σ_{k<a} k² + (b − a + 1) a² with a = min(w, F + 1), b = max(w, F + 1)."""
    lo, hi = window.bounds(N)
    w = (hi - lo + 1)[hi >= lo].astype(np.int64)
    a, b = np.minimum(w, fock + 1), np.maximum(w, fock + 1)
    return int(np.sum((a - 1) * a * (2 * a - 1) // 3 + (b - a + 1) * a * a))


_DICKE_ESTIMATE_MAX_N = 20_000  # the first window costs O(N) rows (0.3 s here): beyond, scale its size like N (measured to here)


def _dicke_estimate(params: CentralSpinParameters) -> int:
    """300 MB + 1.5 kB per complex element of the first window (module docstring)."""
    from cumex.exact.central_dicke_window import initial_window, smaller_copy

    scale = 1.0
    if params.N > _DICKE_ESTIMATE_MAX_N:  # the copy of the same mean-field state; the window's area grows like N
        scale = params.N / _DICKE_ESTIMATE_MAX_N
        params = smaller_copy(params, _DICKE_ESTIMATE_MAX_N)
    return int(300e6 + 1500.0 * scale * _window_elements(params.N, initial_window(params)))


def estimate_memory_bytes(params: CentralSpinParameters, settings: Mapping[str, object] | None = None) -> int:
    """Estimated peak resident memory in bytes of :func:`cumex.exact.solver.solve` with these settings."""
    from cumex.exact.solver import resolved_method

    settings = dict(settings or {})
    N = params.N
    method = resolved_method(params, settings.get("exact_method", "auto"))
    if method == "dicke":
        return _dicke_estimate(params)
    if method == "full":
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
