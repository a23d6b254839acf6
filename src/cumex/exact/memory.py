"""Up-front estimate of the peak memory of an exact steady-state solve, so that a caller can refuse one.

Model (calibrated on this machine, fixed_kappa_over_N, r = 0.75, SuperLU with the nested-dissection order):

    peak ≈ 110 MiB + 150 B · n · f,     f = 14.4 + 2.5 log2(W/66)   (f ≥ 8)

n: real unknowns solved for (:func:`solved_unknowns`); f: entries of L + U per unknown (measured 11.9 at
W = 34, 14.4 at W = 66, 17.8 and 21.5 for the full sector at N = 300, 500); W: width of the grid across
the nested-dissection separators, 2K + 2 lines for the coherence cutoff, N + 1 for the whole sector; the
150 B per factor entry cover SuperLU's 8-byte value and index arrays with the supernode overhead (110–156 B
measured) and the 110 MiB are the interpreter with numpy and scipy. For the coherence cutoff the final K
is not known before the solve: the estimate uses ``exact_cutoff_max`` when set, else the prediction
K ≈ 30 + 5 N|s|² (N|s|² mean field's collective coherence, :func:`.central_dicke_window.mean_field_coherence`;
measured final K, issue 16: 12–18 at fixed g√N and 26–28 at fixed κ/N where mean field does not lase, at
every N from 300 to 2000; where it lases 34, 60, 76 at N|s|² = 3.8, 7.6, 12.7 and 91 at 13.0). Peak RSS of
whole solves (fresh processes, load 0.1–1.5, 2026-12-02), N ∈ {300, 1000, 2000, 4000} × both main scalings ×
r ∈ {0.3, 0.75, 0.95}, ladder points: measured/estimated 1.04–1.59 (the old K ≈ 1.3 N^0.6: 0.17–1.6).
It is an estimate, not a bound. With the window of satellite excitations
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
The window (and so the memory) grows like N: its sides grow like √N. Beyond N = 20,000 (not measured) the
element count of a same-mean-field copy at 20,000 (:func:`.central_dicke_window.smaller_copy`) is scaled by N.

Time (:func:`estimate_seconds`, CPU seconds of the solve on one core, the interpreter's start not included).
Ladder: 0.2 s + 3e-7 s per factor entry (n f above) and pass, passes ≈ 3 + N|s|²/2 (measured 2–4 where mean
field does not lase, 7–12 where it does); over 45 points (N ∈ {300, 1000, 2000, 4000}, the three scalings,
r ∈ {0.3, 0.6, 0.75, 0.95}, in one process, load 0.8–0.9) measured/estimated 0.33–3.2, every one of them
under 10 s. Dicke route: 8 s + 40 µs per element of the first window; at the 12 points of N = 10,000 and
20,000 above (fresh processes, load 1–1.6) 0.7–1.3 at fixed κ/N and where mean field does not lase, 0.35–0.6
at fixed g√N, r = 0.75, 0.95 (the over-estimated box again).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping

import numpy as np

from cumex.exact.basis import SectorBasis, WindowBasis
from cumex.exact.ladder import initial_window
from cumex.models.central_spin import CentralSpinParameters

__all__ = ["estimate_memory_bytes", "estimate_seconds", "solved_unknowns", "predicted_cutoff", "largest_cutoff_within"]

_BASE_BYTES = 110 * 2**20
_BYTES_PER_FACTOR_ENTRY = 150.0


def predicted_cutoff(params: CentralSpinParameters) -> int:
    """Final ladder cutoff K of the coherence cutoff predicted from mean field (module docstring), ≤ ⌊N/2⌋."""
    from cumex.exact.central_dicke_window import mean_field_coherence

    return min(int(math.ceil(30.0 + 5.0 * mean_field_coherence(params))), params.N // 2)


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


def _window_elements(N: int, window, fock: int = 1) -> int:
    """Complex elements of the Dicke basis (N, ``fock``, ``window``) without building it: a row of w emitter
    labels and photon numbers 0..F gives blocks E whose sizes n(E) form a trapezoid (the convolution of two
    intervals), Σ n² = 2 Σ_{k<a} k² + (b − a + 1) a² with a = min(w, F + 1), b = max(w, F + 1)."""
    lo, hi = window.bounds(N)
    w = (hi - lo + 1)[hi >= lo].astype(np.int64)
    a, b = np.minimum(w, fock + 1), np.maximum(w, fock + 1)
    return int(np.sum((a - 1) * a * (2 * a - 1) // 3 + (b - a + 1) * a * a))


_DICKE_ESTIMATE_MAX_N = 20_000  # the first window costs O(N) rows (0.3 s here): beyond, scale its size like N (measured to here)


# the workflow asks a job's memory and its runtime separately, and each of them for memory and time: cached,
# the windows (up to 0.6 s at N = 20,000) and ladder bases are built once per point and process
@functools.lru_cache(maxsize=4096)
def _dicke_elements(params: CentralSpinParameters) -> float:
    """Complex elements of the Dicke route's first window (scaled like N beyond ``_DICKE_ESTIMATE_MAX_N``)."""
    from cumex.exact.central_dicke_window import initial_window, smaller_copy

    scale = 1.0
    if params.N > _DICKE_ESTIMATE_MAX_N:  # the copy of the same mean-field state; the window's area grows like N
        scale = params.N / _DICKE_ESTIMATE_MAX_N
        params = smaller_copy(params, _DICKE_ESTIMATE_MAX_N)
    return scale * _window_elements(params.N, initial_window(params))


def _dicke_estimate(params: CentralSpinParameters) -> int:
    """300 MB + 1.5 kB per complex element of the first window (module docstring)."""
    return int(300e6 + 1500.0 * _dicke_elements(params))


def _route(params: CentralSpinParameters, settings: Mapping[str, object] | None) -> tuple[str, int | None, bool]:
    """(method that runs, ladder cutoff K the estimates assume, window) for these settings: K is
    ``exact_cutoff_max`` when set, else :func:`predicted_cutoff`; None: the whole sector (or the Dicke route)."""
    from cumex.exact.solver import resolved_method

    settings = dict(settings or {})
    method = resolved_method(params, settings.get("exact_method", "auto"))
    window = bool(settings.get("exact_window", True))
    if method in ("dicke", "full"):
        return method, None, window
    kmax = settings.get("exact_cutoff_max")
    K = int(kmax) if isinstance(kmax, int) and not isinstance(kmax, bool) else predicted_cutoff(params)
    return method, None if K >= params.N // 2 else K, window


def estimate_memory_bytes(params: CentralSpinParameters, settings: Mapping[str, object] | None = None) -> int:
    """Estimated peak resident memory in bytes of :func:`cumex.exact.solver.solve` with these settings."""
    method, K, window = _route(params, settings)
    if method == "dicke":
        return _dicke_estimate(params)
    return _estimate(params, K, window)


def estimate_seconds(params: CentralSpinParameters, settings: Mapping[str, object] | None = None) -> float:
    """Estimated CPU seconds of :func:`cumex.exact.solver.solve` on one core (module docstring, "Time")."""
    from cumex.exact.central_dicke_window import mean_field_coherence

    method, K, window = _route(params, settings)
    if method == "dicke":
        return 8.0 + 4e-5 * _dicke_elements(params)
    passes = 3.0 + 0.5 * mean_field_coherence(params)
    return 0.2 + 3e-7 * _factor_entries(params, K, window) * passes


@functools.lru_cache(maxsize=4096)
def _factor_entries(params: CentralSpinParameters, K: int | None, window: bool = True) -> float:
    """Entries of the LU factors: unknowns n times the fill f of the module docstring."""
    n = solved_unknowns(params, K, window)
    width = params.N + 1 if K is None else 2 * K + 2
    return n * max(14.4 + 2.5 * math.log2(width / 66.0), 8.0)


def _estimate(params: CentralSpinParameters, K: int | None, window: bool = True) -> int:
    return int(_BASE_BYTES + _BYTES_PER_FACTOR_ENTRY * _factor_entries(params, K, window))


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
