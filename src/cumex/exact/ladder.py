"""The coherence ladder k of the cutoff solve (:mod:`.steady`): per-line shifts, tail, the next cutoff, windows.

Everything here acts on ladder profiles (one number per line k = min(n01, n10)) or on the window of
satellite excitations m = n11 + k kept on each line (:class:`.basis.WindowBasis`); the reasons for each rule
are in the module docstring of :mod:`.steady`.
"""

from __future__ import annotations

import numpy as np

_EXCESS = np.log(1e3)  # a ladder line may exceed the populations' |u| by this factor without a new pass

__all__ = [
    "balanced_shifts", "extend_shifts", "tail_profile", "next_cutoff", "profile_cutoff",
    "initial_window", "extend_window", "next_window", "WINDOW_TOL",
]

#: the window keeps every element whose conditioned |u| exceeds this fraction of the largest, with a margin
WINDOW_TOL = 1e-20
_WINDOW_SIGMAS = 15.0  # first window: ±15 binomial standard deviations (√π falls to e^{−56} there)


def balanced_shifts(u: np.ndarray, k: np.ndarray, mu: np.ndarray) -> tuple[np.ndarray, bool]:
    """Ladder shifts for the next pass, and whether this pass was balanced (no line above the populations' ×1e3).

    Every line k whose largest |u| exceeds that of the populations (k = 0) is shifted down by the excess;
    shifts only ever decrease. Why monotone: recomputing the shifts from scratch each pass (so that a line
    pushed too far down could come back up) oscillated at r = 1, N = 300 (full sector), where the tail of
    an unbalanced pass is inaccurate and re-unbalanced the next one; :func:`extend_shifts` therefore errs on
    the side of too little shift, which the next pass corrects.
    """
    top = np.zeros(mu.size)
    np.maximum.at(top, k, np.abs(u))
    if not top[0] > 0:
        return mu.copy(), False
    with np.errstate(divide="ignore"):
        excess = np.log(np.maximum(top / top[0], 1.0))
    return mu - excess, bool(excess.max() <= _EXCESS)


def extend_shifts(mu: np.ndarray, n_k: int) -> np.ndarray:
    """Ladder shifts for ``n_k`` lines from those of a smaller cutoff: new lines take the shift of the last
    reliable old line (the last two old lines sit at the truncation edge and are not used).

    Why not 0: below the peak of the natural-gauge profile a new line with shift 0 can be e^{40} larger
    than the populations (N = 1000, r = 0.95), which spoilt the first pass and, through q, the next ones;
    with the last shift it starts at most the rise of the profile over the new lines too large.
    """
    if mu.size >= n_k:
        return mu[:n_k].copy()
    start = max(mu.size - 2, 1)
    return np.concatenate([mu[:start], np.full(n_k - start, mu[start - 1])])


def tail_profile(u: np.ndarray, k: np.ndarray) -> np.ndarray:
    """max |u| at each ladder index k over max |u| overall, u the conditioned coordinates (:mod:`.steady`).

    A diagnostic only (``info["cutoff_tail"]``): it depends on the ladder shifts, a free gauge, so it no longer
    decides the cutoff.
    """
    prof = np.zeros(int(k.max()) + 1)
    np.maximum.at(prof, k, np.abs(u))
    top = prof.max()
    return prof / top if top > 0 else prof


def next_cutoff(K: int, history: list[tuple[int, float]], tol: float) -> int:
    """K for the next attempt from the changes of the observables between successive cutoffs.

    ``history`` holds (K_{i−1}, change between the observables at K_{i−1} and K_i): that change measures
    the truncation error at K_{i−1} (the error at K_i is much smaller). Once two successive errors fall,
    their log-ratio per line gives the decay rate, and K is raised far enough that the error predicted at the new K is tol/10 (so
    that the following, confirming step can pass). Without a rate (the first attempts, or errors not yet
    falling) K grows by a quarter (at least 4); when the error predicted at K is already below tol/10, by a
    tenth (the confirming step). Clamped to [K + 4, 2K].
    """
    step = max(4, int(np.ceil(0.25 * K)))
    if len(history) >= 2:
        (k1, d1), (k2, d2) = history[-2], history[-1]
        if 0 < d2 < d1 and k2 > k1:
            rate = (np.log(d1) - np.log(d2)) / (k2 - k1)  # decay per line of the truncation error
            err_now = d2 * np.exp(-rate * (K - k2))  # predicted error at K
            if err_now > 0.1 * tol:
                step = int(np.ceil((np.log(err_now) - np.log(0.1 * tol)) / rate))
            else:  # K should already pass: a short confirming step (the error falls faster than geometrically)
                step = max(4, int(np.ceil(0.1 * K)))
    return int(min(max(K + step, K + 4), 2 * K))


def profile_cutoff(prof: np.ndarray, K: int, target: float = 1e-7) -> int:
    """K for the next attempt from the balanced tail profile of this one (``prof[k]``, k ≤ K).

    While the profile has not fallen below 10⁻² at K the truncated state may be a different one (at N = 2000,
    r = 0.95 the states at K = 8…16 agree to 3·10⁻⁸ with p0↑ = −0.018, the profile flat at 1): K × 1.5.
    Otherwise the log-profile over the last quarter of the lines (the edge line K excluded) is extrapolated
    linearly to ``target`` (the profile falls like a Gaussian in k, so this overestimates K); at least
    K + max(4, K/10), at most 2K.
    """
    small = max(4, int(np.ceil(0.1 * K)))
    if K < 8 or not prof[K] < 1e-2:
        return int(np.ceil(1.5 * K)) if K >= 8 else K + small
    ks = np.arange(max(K - max(K // 4, 4), 1), K)
    y = np.log(np.maximum(prof[ks], 1e-300))
    slope = np.polyfit(ks, y, 1)[0]
    if not slope < 0:
        return int(np.ceil(1.5 * K))
    need = int(np.ceil((np.log(target) - np.log(max(prof[K], 1e-300))) / slope))
    return int(min(max(K + need, K + small), 2 * K))


def _natural(N: int, k: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest m = n11 + k on line k of the diagonal blocks."""
    return k, N - k


def initial_window(N: int, q: float, K: int) -> tuple[np.ndarray, np.ndarray]:
    """(lo, hi) of m on lines 0..K: ±15 standard deviations of Binomial(N, q) around qN, and on line k
    additionally k lower (the lines' peaks move to smaller m with k: by 0.8 per line at N = 1000, r = 0.95)."""
    k = np.arange(K + 1)
    half = _WINDOW_SIGMAS * np.sqrt(N * q * (1.0 - q)) + 10.0
    lo0, hi0 = _natural(N, k)
    lo = np.maximum(np.floor(q * N - half).astype(np.int64) - k, lo0)
    hi = np.minimum(np.ceil(q * N + half).astype(np.int64), hi0)
    return lo, hi


def extend_window(lo: np.ndarray, hi: np.ndarray, N: int, K: int) -> tuple[np.ndarray, np.ndarray]:
    """The window for lines 0..K: new lines k > len(lo) − 1 take the last line's, widened by one per new line
    towards smaller m."""
    if lo.size >= K + 1:
        return lo[: K + 1].copy(), hi[: K + 1].copy()
    k = np.arange(lo.size, K + 1)
    lo0, hi0 = _natural(N, np.arange(K + 1))
    lo = np.concatenate([lo, lo[-1] - (k - lo.size + 1)])
    hi = np.concatenate([hi, np.full(k.size, hi[-1])])
    return np.maximum(lo, lo0), np.minimum(hi, hi0)


def next_window(
    u: np.ndarray, k: np.ndarray, m: np.ndarray, lo: np.ndarray, hi: np.ndarray, N: int, tol: float = WINDOW_TOL
) -> tuple[np.ndarray, np.ndarray, bool]:
    """(lo, hi, fits): the window that holds every |u| ≥ tol·max|u| of this solve with a margin, and whether
    this solve's window already held them away from its edges (``fits``; an edge at the natural boundary of
    the line does not count).

    Margin: a quarter of the line's extent above tol, at least 8. A line with nothing above tol keeps its
    window. Why a margin and not just the extent: beyond the extent the profile keeps falling (a Gaussian
    in m), so a quarter more takes it from 10⁻²⁰ to below 10⁻³⁰.
    """
    n_k = lo.size
    a = np.abs(u)
    big = a >= tol * a.max()
    ext_lo = np.full(n_k, np.iinfo(np.int64).max)
    ext_hi = np.full(n_k, -1)
    np.minimum.at(ext_lo, k[big], m[big])
    np.maximum.at(ext_hi, k[big], m[big])
    lines = np.arange(n_k)
    lo0, hi0 = _natural(N, lines)
    has = ext_hi >= 0
    fits = bool(np.all(((ext_lo > lo) | (lo <= lo0)) & ((ext_hi < hi) | (hi >= hi0)) | ~has))
    margin = np.maximum(np.ceil(0.25 * (ext_hi - ext_lo)), 8).astype(np.int64)
    new_lo = np.where(has, np.maximum(ext_lo - margin, lo0), lo)
    new_hi = np.where(has, np.minimum(ext_hi + margin, hi0), hi)
    # a line whose values reach its window's edge may extend further: widen by its window's width there
    width = hi - lo + 1
    new_lo = np.where(has & (ext_lo <= lo) & (lo > lo0), np.maximum(lo - width // 2, lo0), new_lo)
    new_hi = np.where(has & (ext_hi >= hi) & (hi < hi0), np.minimum(hi + width // 2, hi0), new_hi)
    return new_lo.astype(np.int64), new_hi.astype(np.int64), fits
