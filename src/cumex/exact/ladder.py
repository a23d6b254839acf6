"""The coherence ladder k of the cutoff solve (:mod:`.steady`): per-line shifts, tail, the next cutoff.

Everything here acts on ladder profiles (one number per line k = min(n01, n10)); the reasons for each rule
are in the module docstring of :mod:`.steady`.
"""

from __future__ import annotations

import numpy as np

_EXCESS = np.log(1e3)  # a ladder line may exceed the populations' |u| by this factor without a new pass

__all__ = ["balanced_shifts", "extend_shifts", "tail_profile", "next_cutoff"]


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
