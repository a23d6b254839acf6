"""The emitter window of the Dicke basis (cumex.exact.tavis_cummings.dicke.EmitterWindow) at any Fock cutoff.

Oracles: the unwindowed basis (a window covering every (l, e) must give the same generator bit for bit; a window
holding the state must give its steady state), and the definition of trace preservation (column sums of the
population rows), not the code's own numbers.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from cumex.exact.ordering import grid_nested_dissection
from cumex.exact.tavis_cummings.dicke import DickeBasis, EmitterWindow, dicke_generator
from cumex.exact.tavis_cummings.parameters import TavisCummingsParameters
from cumex.exact.threads import blas_threads


def _params(N: int, pump: float = 0.7) -> TavisCummingsParameters:
    # detuned, unequal rates: no resonance hides a sign
    return TavisCummingsParameters(N=N, omega=1.3, epsilon=1.0, g=0.9 / np.sqrt(N), kappa=1.1,
                                   gamma_up=2 * pump, gamma_down=2 * (1 - pump) + 0.1)


def _steady(L: sp.csr_matrix, basis: DickeBasis) -> np.ndarray:
    """Direct sparse LU, the equation of one population replaced by the trace; trace-1 result."""
    pops = basis.populations()
    a = int(pops[np.argmin(basis.labels["l"][pops])])
    L = L.tocoo()
    keep = L.row != a
    A = sp.csc_matrix((np.r_[L.data[keep], np.ones(pops.size)], (np.r_[L.row[keep], np.full(pops.size, a)],
                                                                np.r_[L.col[keep], pops])), shape=L.shape)
    b = np.zeros(basis.dim, dtype=complex)
    b[a] = 1.0
    perm = grid_nested_dissection(np.vstack([basis.labels["l"], basis.labels["E"]]), 1, 64, a)
    with blas_threads(1):  # SuperLU's dense kernels thrash with many BLAS threads on a loaded machine
        lu = spla.splu(A[perm][:, perm].tocsc(), permc_spec="NATURAL", diag_pivot_thresh=1e-2,
                       options={"SymmetricMode": True})
    x = np.empty(basis.dim, dtype=complex)
    x[perm] = lu.solve(b[perm])
    return x / x[pops].sum()


@pytest.mark.parametrize("N,F", [(7, 1), (10, 3)])
def test_window_covering_everything_is_the_full_basis(N, F):
    n_l = N // 2 + 1
    win = EmitterWindow(0, (0,) * n_l, (N,) * n_l)
    full, wide = DickeBasis(N, F), DickeBasis(N, F, win)
    assert wide.dim == full.dim
    for k in ("l", "E", "p", "q"):
        assert np.array_equal(full.labels[k], wide.labels[k])
    diff = dicke_generator(_params(N), full) - dicke_generator(_params(N), wide)
    assert (abs(diff).max() if diff.nnz else 0.0) == 0.0
    assert not wide.boundary().any()


@pytest.mark.parametrize("F", [1, 2, 4])
def test_windowed_generator_preserves_the_trace(F):
    """tᵀL = 0 on every column (t = 1 on the populations), although the jumps leaving the window are dropped."""
    N = 14
    win = EmitterWindow(1, (3, 4, 4, 5), (10, 9, 11, 8))
    basis = DickeBasis(N, F, win)
    L = dicke_generator(_params(N), basis)
    t = np.zeros(basis.dim)
    t[basis.populations()] = 1.0
    assert np.abs(t @ L).max() <= 1e-14 * abs(L).max()
    assert basis.boundary().any()  # the window really cuts jumps
    lab = basis.labels
    lo, hi = win.bounds(N)
    for e in (lab["e"], lab["e2"]):  # every element lies inside the window
        assert np.all((e >= lo[lab["l"]]) & (e <= hi[lab["l"]]))
    assert basis.index(0, 5, 0, 0) == -1 and basis.index(1, 2, 0, 0) == -1
    assert np.array_equal(basis.index(lab["l"], lab["E"], lab["p"], lab["q"]), np.arange(basis.dim))


def test_generator_onto_a_larger_window_is_the_uncompensated_restriction():
    """source → larger target equals the target's own generator on those columns (no trace compensation),
    and its population rows lose exactly the weight of the jumps leaving the source window."""
    N, F = 12, 2
    small = DickeBasis(N, F, EmitterWindow(1, (4, 4, 5), (8, 9, 8)))
    big = DickeBasis(N, F, small.window.grown(N, 1))
    p = _params(N)
    L_rect = dicke_generator(p, small, big)
    L_big = dicke_generator(p, big)
    lab = small.labels
    cols = big.index(lab["l"], lab["E"], lab["p"], lab["q"])
    interior = ~big.boundary()[cols]  # columns of big whose jumps all stay inside big
    assert interior.any()
    d = L_rect[:, np.flatnonzero(interior)] - L_big[:, cols[interior]]
    assert (abs(d).max() if d.nnz else 0.0) <= 1e-15 * abs(L_big).max()
    # the rows of big cover every jump of small: the population column sums vanish there too
    t = np.zeros(big.dim)
    t[big.populations()] = 1.0
    assert np.abs(t @ L_rect).max() <= 1e-14 * abs(L_big).max()


@pytest.mark.parametrize("F", [1, 3])
def test_window_holding_the_state_gives_its_steady_state(F):
    """A window holding every (l, e) of weight > 1e-16 (per row l its own e-interval) reproduces the
    unwindowed steady state to 1e-12 (N = 200 at F = 1, N = 60 at F = 3)."""
    N = 200 if F == 1 else 60
    p = _params(N, 0.3)
    full = DickeBasis(N, F)
    x_full = _steady(dicke_generator(p, full), full)
    lab = full.labels
    pops = full.populations()
    P = np.zeros((full.n_l, N + 1))
    np.add.at(P, (lab["l"][pops], lab["e"][pops]), np.abs(x_full[pops]))
    rows = np.flatnonzero(P.max(axis=1) > 1e-16)
    e_lo = [np.flatnonzero(P[r] > 1e-16).min() for r in range(rows[0], rows[-1] + 1)]
    e_hi = [np.flatnonzero(P[r] > 1e-16).max() for r in range(rows[0], rows[-1] + 1)]
    basis = DickeBasis(N, F, EmitterWindow.from_arrays(rows[0], e_lo, e_hi))
    assert basis.dim < 0.8 * full.dim  # the window really truncates
    x = _steady(dicke_generator(p, basis), basis)
    where = full.index(basis.labels["l"], basis.labels["E"], basis.labels["p"], basis.labels["q"])
    assert np.abs(x - x_full[where]).max() <= 1e-12
    outside = np.ones(full.dim, dtype=bool)
    outside[where] = False
    assert np.abs(x_full[outside]).max() <= 1e-12
