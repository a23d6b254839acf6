"""Windows of the central spin's Dicke basis (:mod:`.central_dicke`): the first guess, growth and trimming.

First window (:func:`initial_window`): the mean-field satellite inversion z (closed form at resonance, else
2r − 1); where mean field lases a box of 8.5 product-state widths around e = N(1 + z)/2, l = N(1 − |r|)/2
(|r| the mean-field Bloch length, :func:`mean_field_bloch_length`); elsewhere, per row l, the e where the
product state of inversion z is above the tolerance. From a quarter-size copy (:func:`smaller_copy`,
:func:`scaled_window`): the copy's support mapped to N. Growth (:func:`grow_window`): every edge whose
population weight exceeds the tolerance moves out by the layers its log-slope says are needed; the others
shrink to the support. Trimming (:func:`trim_window`): the part of a fitting window that carries weight above
tol/1000, when that is at most 85 % of it.
"""

from __future__ import annotations

import numpy as np

from cumex.exact.tavis_cummings.dicke import DickeBasis, EmitterWindow, log_degeneracy
from cumex.models.central_spin import CentralSpinParameters, mean_field_population

__all__ = ["initial_window", "grow_window", "trim_window", "mean_field_inversion", "mean_field_bloch_length",
           "lasing", "smaller_copy", "scaled_window", "mean_field_coherence"]


def mean_field_inversion(params: CentralSpinParameters) -> float:
    """Satellite ⟨σn^z⟩ of mean field: κ(1 + z0)/N = Γ_Δ − Γ_T zn on the lasing branch (resonance), else 2r − 1."""
    z = 2.0 * params.pump_ratio - 1.0
    if params.omega == params.epsilon:
        p0 = float(mean_field_population(params.pump_ratio, params.g, params.kappa, params.N, params.gamma_T))
        z = (params.gamma_delta - params.kappa * 2.0 * p0 / params.N) / params.gamma_T
    return float(np.clip(z, -1.0, 1.0))


def mean_field_bloch_length(params: CentralSpinParameters, z: float) -> float:
    """Length |r| of a satellite's mean-field Bloch vector on the lasing branch (resonance), from its inversion z.

    Mean field (rotating frame, ⟨σ0^-⟩ = a, ⟨σn^-⟩ = s): ds/dt = 0 gives (Γ_T/2) s = i g z a, so
    Im(a* s) = 2 g z |a|²/Γ_T; the central balance κ(1 + z0) = 4 g N Im(a* s) then gives |a|², and
    |s|² = 4 g² z² |a|²/Γ_T² = z κ (1 + z0)/(2 Γ_T N) = z (Γ_Δ − Γ_T z)/(2 Γ_T) with the excitation balance
    κ(1 + z0) = N(Γ_Δ − Γ_T z). So |r|² = z² + 4|s|² = 2 z Γ_Δ/Γ_T − z² (checked against the order-1 solve:
    ⟨σn^+σm^-⟩ = |s|² to 1e-15 at N = 10,000, fixed κ/N, r = 0.75).
    """
    return float(np.sqrt(np.clip(_bloch_length_squared(params, z), z * z, 1.0)))


def _bloch_length_squared(params: CentralSpinParameters, z: float) -> float:
    """|r|² = z² + 4|s|² = 2 z Γ_Δ/Γ_T − z² on the lasing branch (:func:`mean_field_bloch_length`), unclipped."""
    return 2.0 * z * params.gamma_delta / params.gamma_T - z * z


def _lasing_box(N: int, z: float, bloch: float, sigmas: float = 8.5) -> EmitterWindow:
    """e ≈ N(1 + z)/2 and l ≈ N(1 − |r|)/2 (|r| the mean-field Bloch length: the U(1) average over the lasing
    phase keeps j), ± ``sigmas`` widths of a product state, √(N(1 − z²))/2 in e and √(N(1 − r²))/2 in j: the
    first window where mean field lases. With |z| for |r| (no transverse part) the box sat 120 rows too high in
    l at N = 10,000, fixed κ/N, r = 0.75 (boundary weight 2e-6); the state there spans ±8 widths in l."""
    half_e = max(8, int(np.ceil(sigmas * 0.5 * np.sqrt(N * max(1.0 - z * z, 4.0 / N)))))
    half_l = max(8, int(np.ceil(sigmas * 0.5 * np.sqrt(N * max(1.0 - bloch * bloch, 4.0 / N)))))
    e_c, l_c = 0.5 * N * (1 + z), 0.5 * N * (1 - bloch)
    l_lo, l_hi = max(int(l_c) - half_l, 0), min(int(np.ceil(l_c)) + half_l, N // 2)
    n = l_hi - l_lo + 1
    return EmitterWindow.from_arrays(l_lo, np.full(n, int(e_c) - half_e), np.full(n, int(np.ceil(e_c)) + half_e))


def initial_window(params: CentralSpinParameters, spread: float | None = None, tol: float = 1e-14) -> EmitterWindow:
    """The first window (module docstring): per row l the e where the product state of mean-field inversion z,
    P(j, m) = d_j p↑^(N/2 + m) p↓^(N/2 − m) (exact for a product of diagonal one-spin states: the projector on
    J_z = m is Σ_{j ≥ |m|} of the d_j copies of |j, m⟩), is above ``tol``/10 of its largest value after its
    log is divided by ``spread`` (widths × √spread; default 1.5). Where mean field lases (and ``spread`` is not
    given) the box of :func:`_lasing_box` instead: the lasing state is far from a product state."""
    N = params.N
    z = float(np.clip(mean_field_inversion(params), -1 + 1e-9, 1 - 1e-9))
    if lasing(params) and spread is None:
        return _lasing_box(N, z, mean_field_bloch_length(params, z))
    spread = 1.5 if spread is None else spread
    sigma = 0.5 * np.sqrt(N * (1.0 - z * z)) + 1.0
    e_c = 0.5 * N * (1 + z)
    half = int(np.ceil(12 * np.sqrt(spread) * sigma)) + 4
    e = np.arange(max(int(e_c) - half, 0), min(int(e_c) + half, N) + 1)
    l = np.arange(N // 2 + 1)
    log_d = log_degeneracy(N, N / 2 - l)
    cut = np.log(0.1 * tol) * spread
    lo = []
    rows = []
    for i in l:  # a row at a time: the full (l, e) lattice has ~N²/2 sites
        ee = e[(e >= i) & (e <= N - i)]
        if ee.size == 0:
            continue
        lp = log_d[i] + ee * np.log1p(z) + (N - ee) * np.log1p(-z)
        rows.append((i, ee, lp))
    peak = max(float(lp.max()) for _, _, lp in rows)
    for i, ee, lp in rows:
        keep = ee[lp - peak >= cut]
        if keep.size:
            lo.append((i, int(keep.min()), int(keep.max())))
    ls = [t[0] for t in lo]
    l_lo, l_hi = min(ls), max(ls)
    e_lo = np.full(l_hi - l_lo + 1, N, dtype=np.int64)
    e_hi = np.full(l_hi - l_lo + 1, -1, dtype=np.int64)
    for i, a, b in lo:
        e_lo[i - l_lo], e_hi[i - l_lo] = a, b
    gap = e_lo > e_hi  # a row inside without weight above the cut: take its neighbour's interval
    if gap.any():
        e_lo[gap], e_hi[gap] = np.maximum.accumulate(np.where(gap, 0, e_lo))[gap], np.maximum.accumulate(e_hi)[gap]
    win = EmitterWindow.from_arrays(int(l_lo), e_lo, e_hi)
    return win.grown(N, 2)



def _edge_weights(basis: DickeBasis, x: np.ndarray) -> dict[str, np.ndarray]:
    """Population weight per layer counted from each edge: "l_lo"[d] (rows l_lo + d), "l_hi"[d], and per row
    l: "e_lo"[i, d] (e = e_lo + d), "e_hi"[i, d]; d = 0..3. Edges on the multiplet's own border weigh 0."""
    N, w = basis.N, basis.window
    assert w is not None, "a windowed basis"
    lab = basis.labels
    pops = basis.populations()
    P = np.abs(x[pops].real)
    l, e = lab["l"][pops], lab["e"][pops]
    n_rows = len(w.e_lo)
    per_row = np.bincount(l - w.l_lo, weights=P, minlength=n_rows)
    lo, hi = basis._e_bounds
    out = {"l_lo": np.zeros(4), "l_hi": np.zeros(4), "e_lo": np.zeros((n_rows, 4)), "e_hi": np.zeros((n_rows, 4))}
    for d in range(min(4, n_rows)):
        if w.l_lo > 0:
            out["l_lo"][d] = per_row[d]
        if w.l_hi < N // 2:
            out["l_hi"][d] = per_row[n_rows - 1 - d]
    i = l - w.l_lo
    for d in range(4):
        sel = (e == lo[l] + d) & (lo[l] > l)
        np.add.at(out["e_lo"][:, d], i[sel], P[sel])
        sel = (e == hi[l] - d) & (hi[l] < N - l)
        np.add.at(out["e_hi"][:, d], i[sel], P[sel])
    return out


def _layers_needed(weights: np.ndarray, tol: float, width: int) -> int:
    """Layers to add at an edge whose last four layers weigh ``weights`` (edge first), 0 if already ≤ tol."""
    if not weights[0] > tol:
        return 0
    # far from fitting, at least a quarter of the width (geometric growth: the slope at a cut edge is flattened
    # by the weight piling up there); near fitting, the slope's count (a quarter of the width there turned a
    # window leaking 1.8e-14 into one of 3.2× the unknowns at N = 10,000)
    least = max(3, int(np.ceil(0.25 * width))) if weights[0] > _FAR * tol else 3
    if weights[3] > weights[0] > 0:
        slope = (np.log(weights[3]) - np.log(weights[0])) / 3.0  # decay per layer towards the edge
        return int(min(max(np.ceil(np.log(weights[0] / (0.1 * tol)) / slope), least), max(width, 3)))
    return max(width // 2, least)


def grow_window(basis: DickeBasis, x: np.ndarray, tol: float) -> tuple[EmitterWindow | None, float]:
    """(next window, boundary weight): each edge heavier than tol/(number of edges) moved out (module
    docstring); None when the boundary weight (population on elements with dropped jumps) is ≤ ``tol``; every
    side widened by an eighth when it is above but no single edge is."""
    N, w = basis.N, basis.window
    assert w is not None, "a windowed basis"
    W = _edge_weights(basis, x)
    boundary = float(np.abs(x[basis.populations()][basis.boundary()[basis.populations()]]).sum())
    if boundary <= tol:
        return None, boundary
    lo, hi = basis._e_bounds
    rows = np.arange(w.l_lo, w.l_hi + 1)
    e_lo, e_hi = lo[rows].copy(), hi[rows].copy()
    width_e = int(max((hi[rows] - lo[rows]).max(), 1))
    width_l = len(rows)
    edge_tol = tol / (2 * len(rows) + 2)  # so that edges each below it sum to at most tol
    grow_lo = np.array([_layers_needed(W["e_lo"][i], edge_tol, width_e) for i in range(len(rows))])
    grow_hi = np.array([_layers_needed(W["e_hi"][i], edge_tol, width_e) for i in range(len(rows))])
    dl_lo = _layers_needed(W["l_lo"], edge_tol, width_l)
    dl_hi = _layers_needed(W["l_hi"], edge_tol, width_l)
    if not (grow_lo.any() or grow_hi.any() or dl_lo or dl_hi):
        # the leaks sit off the edge layers (jagged rows): widen everything by an eighth
        return w.grown(N, max(3, int(np.ceil(0.125 * max(width_e, width_l))))), boundary
    # a row's e-interval also widens where a neighbour's does (the weight spreads along l as well)
    out_lo = np.maximum.reduce([grow_lo, np.r_[grow_lo[1:], 0], np.r_[0, grow_lo[:-1]]])
    out_hi = np.maximum.reduce([grow_hi, np.r_[grow_hi[1:], 0], np.r_[0, grow_hi[:-1]]])
    # edges that do not leak shrink to the support (why: a box grown where it leaks keeps its empty corners,
    # 1.67e6 unknowns where 0.6e6 carried the state at N = 10,000, r = 0.75, fixed κ/N)
    s_lo, s_hi, s_l_lo, s_l_hi = _support(basis, x, _SUPPORT_LEVEL * tol, _SUPPORT_MARGIN)
    e_lo = np.where(out_lo > 0, e_lo - out_lo, np.maximum(e_lo, s_lo))
    e_hi = np.where(out_hi > 0, e_hi + out_hi, np.minimum(e_hi, s_hi))
    l_lo = max(w.l_lo - dl_lo, 0) if dl_lo else max(w.l_lo, s_l_lo)
    l_hi = min(w.l_hi + dl_hi, N // 2) if dl_hi else min(w.l_hi, s_l_hi)
    idx = np.clip(np.arange(l_lo, l_hi + 1) - w.l_lo, 0, len(rows) - 1)
    return EmitterWindow.from_arrays(l_lo, e_lo[idx], e_hi[idx]), boundary


#: support of a solution: populations above this fraction of the boundary tolerance, widened by the margin
_SUPPORT_LEVEL = 1e-6
_SUPPORT_MARGIN = 5
#: a trimmed window keeping more than this fraction is not solved (:func:`trim_window`)
_TRIM_KEEP = 0.85
#: an edge heavier than this many times its tolerance is far from fitting (:func:`_layers_needed`)
_FAR = 1e4


def _support(basis: DickeBasis, x: np.ndarray, level: float, margin: int) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Per row of the window (l = l_lo + i): the e-interval of populations above ``level``, widened by
    ``margin`` (rows without any: their neighbours' interval, as :meth:`EmitterWindow.grown` does), and the
    l-range of rows with any, widened by ``margin``. A row and its neighbours within ``margin`` share the widening,
    so that every state ``margin`` local jumps from the heavy set is kept."""
    w = basis.window
    assert w is not None, "a windowed basis"
    lab = basis.labels
    pops = basis.populations()
    heavy = np.abs(x[pops].real) > level
    n_rows = len(w.e_lo)
    lo = np.full(n_rows, basis.N + 1)
    hi = np.full(n_rows, -1)
    if not heavy.any():
        return np.full(n_rows, -1), np.full(n_rows, basis.N + 1), w.l_lo, w.l_hi
    i = lab["l"][pops][heavy] - w.l_lo
    e = lab["e"][pops][heavy]
    np.minimum.at(lo, i, e)
    np.maximum.at(hi, i, e)
    rows = np.flatnonzero(hi >= 0)
    s_lo, s_hi = np.full(n_rows, basis.N + 1), np.full(n_rows, -1)
    for k in range(n_rows):
        near = (rows >= k - margin) & (rows <= k + margin)
        if near.any():
            s_lo[k] = lo[rows[near]].min() - margin
            s_hi[k] = hi[rows[near]].max() + margin
        else:  # beyond the heavy rows: keep the row as it is (the l-range below removes it when far)
            s_lo[k], s_hi[k] = -1, basis.N + 1
    return s_lo, s_hi, int(w.l_lo + rows.min() - margin), int(w.l_lo + rows.max() + margin)


def trim_window(basis: DickeBasis, x: np.ndarray, tol: float) -> EmitterWindow | None:
    """A smaller window inside ``basis.window`` holding every (l, e) of population weight > tol/1000 (plus 2
    layers), or None when it would keep more than 85 % of the unknowns (then growing is the check; a grown
    check costs more than the trimmed one: 1.0e6 against ~0.5e6 unknowns at N = 10,000)."""
    N, w = basis.N, basis.window
    assert w is not None, "a windowed basis"
    lab = basis.labels
    pops = basis.populations()
    P = np.abs(x[pops].real)
    heavy = P > 1e-3 * tol
    if not heavy.any():
        return None
    l, e = lab["l"][pops][heavy], lab["e"][pops][heavy]
    l_lo, l_hi = int(l.min()), int(l.max())
    e_lo = np.full(l_hi - l_lo + 1, N + 1)
    e_hi = np.full(l_hi - l_lo + 1, -1)
    np.minimum.at(e_lo, l - l_lo, e)
    np.maximum.at(e_hi, l - l_lo, e)
    empty = e_lo > e_hi
    e_lo[empty], e_hi[empty] = N + 1, -1
    lo_w, hi_w = basis._e_bounds
    small = EmitterWindow.from_arrays(l_lo, e_lo, e_hi).grown(N, 2)
    rows = np.arange(max(small.l_lo, w.l_lo), min(small.l_hi, w.l_hi) + 1)
    lo_s, hi_s = small.bounds(N)
    small = EmitterWindow.from_arrays(rows[0], np.maximum(lo_s[rows], lo_w[rows]), np.minimum(hi_s[rows], hi_w[rows]))
    lo_t, hi_t = small.bounds(N)
    if np.maximum(hi_t - lo_t + 1, 0).sum() > _TRIM_KEEP * np.maximum(hi_w - lo_w + 1, 0).sum():
        return None
    return small


def mean_field_coherence(params: CentralSpinParameters) -> float:
    """N |s|² = |⟨J^-⟩|²/N of mean field, s = ⟨σn^-⟩ (:func:`mean_field_bloch_length`: |s|² = z(Γ_Δ − Γ_T z)/(2Γ_T));
    0 where mean field does not lase. It measures how far up the ladder of satellite coherences the state
    reaches: the final ladder cutoff K of :mod:`cumex.exact.steady` grows like 5 N|s|² (measured, issue 16)."""
    if not lasing(params):
        return 0.0
    z = mean_field_inversion(params)
    return max(0.25 * params.N * (_bloch_length_squared(params, z) - z * z), 0.0)  # |s|² = (|r|² − z²)/4


def lasing(params: CentralSpinParameters) -> bool:
    """Whether mean field lases (resonance and a positive central population on the lasing branch)."""
    return params.omega == params.epsilon and float(
        mean_field_population(params.pump_ratio, params.g, params.kappa, params.N, params.gamma_T)) > 0


def smaller_copy(params: CentralSpinParameters, n_small: int) -> CentralSpinParameters:
    """The same model with ``n_small`` satellites and κ scaled by n_small/N (g and the local rates kept).

    Why this map, whatever scaling the caller uses: the mean-field equations (module :func:`mean_field_bloch_length`)
    are invariant under N → λN, κ → λκ, so the smaller copy has the same mean-field state (z, z0, |r|), and
    in the linear-noise picture the same fluctuations up to the factor √(N/n_small) (:func:`scaled_window`)."""
    return CentralSpinParameters(N=n_small, omega=params.omega, epsilon=params.epsilon, g=params.g,
                                 kappa=params.kappa * n_small / params.N, gamma_up=params.gamma_up,
                                 gamma_down=params.gamma_down)


def scaled_window(basis: DickeBasis, x: np.ndarray, N: int, level: float, pad: float = 0.03) -> EmitterWindow:
    """The window for N satellites predicted from the steady state x of the smaller copy on ``basis``
    (:func:`smaller_copy`): every (l, m = e − N/2) with population above ``level`` is mapped to
    l̄ N/n + (l − l̄) √(N/n) and m̄ N/n + (m − m̄) √(N/n) (l̄, m̄ its means: means grow like N, widths like √N),
    and the mapped set is widened by √(N/n) + 3 layers plus ``pad`` of its half-extent in each direction.
    Checked by the solve that follows (its boundary weight): the prediction only saves windows."""
    n = basis.N
    lab = basis.labels
    pops = basis.populations()
    P = x[pops].real
    l, m = lab["l"][pops].astype(float), lab["e"][pops] - 0.5 * n
    l_bar, m_bar = float(P @ l) / float(P.sum()), float(P @ m) / float(P.sum())
    heavy = np.abs(P) > level
    s = np.sqrt(N / n)
    L = l_bar * N / n + (l[heavy] - l_bar) * s
    E = m_bar * N / n + (m[heavy] - m_bar) * s + 0.5 * N
    half_l = 0.5 * float(L.max() - L.min())
    half_e = 0.5 * float(E.max() - E.min())
    w_l = int(np.ceil(s + 3 + pad * half_l))
    w_e = int(np.ceil(s + 3 + pad * half_e))
    l_lo = max(int(np.floor(L.min())) - w_l, 0)
    l_hi = min(int(np.ceil(L.max())) + w_l, N // 2)
    e_lo = np.full(l_hi - l_lo + 1, np.inf)
    e_hi = np.full(l_hi - l_lo + 1, -np.inf)
    centre = np.rint(L).astype(np.int64)
    for k in range(-w_l, w_l + 1):  # each mapped point covers the rows within w_l of it
        row = centre + k - l_lo
        ok = (row >= 0) & (row < e_lo.size)
        np.minimum.at(e_lo, row[ok], E[ok] - w_e)
        np.maximum.at(e_hi, row[ok], E[ok] + w_e)
    empty = ~np.isfinite(e_lo)
    e_lo[empty], e_hi[empty] = N + 1, -1  # no mapped point near: the row holds nothing
    return EmitterWindow.from_arrays(l_lo, np.floor(e_lo).astype(np.int64), np.ceil(e_hi).astype(np.int64))
