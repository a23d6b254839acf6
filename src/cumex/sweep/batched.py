"""One compiled cumulant order at many parameter points at once: rhs, Jacobian, damped Newton, lift.

The equations of one compiled order (:mod:`cumex.cumulants.bind`) differ between grid points only in
their linear coefficients A (parameters and N): F(x) = A · [z(x), 1, w(z(x))] with z the complex moments
and w the closure polynomials. :class:`BatchedCumulantSystem` evaluates F and its exact Jacobian for
thousands of (point, state) pairs in a few numpy expressions (in real unknowns, blocks of 256 rows);
:func:`batched_newton` runs :func:`cumex.steady.newton.newton_root`'s damped Newton iteration (no rotation: U(1)-symmetric orders)
on every pair together — the same least-squares steps, line search, stopping rules and acceptance test,
so each pair reaches the zero its lone run reaches, up to rounding; :func:`lift_states` is
:func:`cumex.cumulants.lift.lift_state` on arrays. Used by :mod:`cumex.sweep.multistart`; checked against
the per-point functions in ``tests/test_sweep_multistart.py``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np
from scipy import sparse

from cumex.cumulants.bind import BoundSystem
from cumex.steady.newton import Root
from cumex.steady.system import RealODESystem

__all__ = ["BatchedCumulantSystem", "batched_newton", "lift_states", "one_blas_thread"]

#: (point, start) pairs evaluated together: bounds the memory of the gathered coefficient arrays
CHUNK = 8192
#: rows of one evaluation of F or J (measured: 256 rows cost a half to a third per row of 8000 at order 4)
BLOCK = 256


def _blocked(fn, X: np.ndarray, owner: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """fn(X, owner) evaluated on blocks of BLOCK rows: the intermediates of a block stay in the CPU cache."""
    if len(X) <= BLOCK:
        return fn(X, owner)
    out = np.empty((len(X),) + shape)
    for lo in range(0, len(X), BLOCK):
        out[lo:lo + BLOCK] = fn(X[lo:lo + BLOCK], owner[lo:lo + BLOCK])
    return out


class BatchedCumulantSystem:
    """rhs and Jacobian of one compiled order (one ``BoundSystem`` structure, i.e. one N) at many
    parameter points: row p of every array is the point ``values[p]``.

    Written in real unknowns: F(x) = M_p · [x, 1, Re w, Im w] with w the closure polynomials at z = R x,
    and J = M_p[:, :n_x] + M_p[:, n_x+1:] · [Re dw/dx; Im dw/dx]. M_p is the real form of the complex
    coefficients A_p (rows: Re of every equation, Im of the complex ones, as ``BoundSystem`` orders them)."""

    def __init__(self, template: BoundSystem, values: Sequence[Mapping[str, float]]):
        self.template = b = template
        self.values = list(values)
        c = b.compiled
        n_cols = b.n_z + 1 + b.n_w
        mono = np.array([[np.prod([float(v[n]) ** p for n, p in m]) if m else 1.0 for m in c.monomials]
                         for v in values]).reshape(len(values), len(c.monomials))
        coef = c.lin_coef[None, :] * (mono[:, c.lin_mono] if len(c.monomials) else 1.0)
        flat = np.zeros((len(c.reps) * n_cols, len(values)), dtype=np.complex128)
        np.add.at(flat, c.lin_row * n_cols + c.lin_col, coef.T)  # the same sums, in the same order, as bind
        A = flat.T.reshape(len(values), len(c.reps), n_cols)
        N = float(b.values["N"])
        kept = [i for i, m in enumerate(c.reps) if len(m.satellites) <= N]  # as BoundSystem keeps them
        self.A = A = np.ascontiguousarray(A[:, kept])
        self.n_z, self.n_w, self.n_x = n_z, n_w, n_x = b.n_z, b.n_w, b.n_x
        self.R = b.R
        Az = A[:, :, :n_z] @ b.R
        Aw = A[:, :, n_z + 1:]
        self.M = np.concatenate([self._to_real(Az), self._to_real(A[:, :, n_z:n_z + 1]), self._to_real(Aw),
                                 self._to_real(1j * Aw)], axis=2)
        # closure polynomials w_j = Σ_t coef_t Π_q z[factors[t, q]] (z padded with a 1)
        clo = b.clo
        self.factors, self.coef = clo["factors"], clo["coef"]
        T = len(clo["target"])
        self.scatter = np.zeros((T, n_w))
        self.scatter[np.arange(T), clo["target"]] = 1.0
        # d w_j / d x_l = Σ_(t,q) [target_t = j] coef_t Π_(q'≠q) z[factors[t, q']] R[factors[t, q], l]:
        # the sparse map from the products (t, q) to (j, l)
        Rext = np.concatenate([b.R, np.zeros((1, n_x))])
        D = self.factors.shape[1] if T else 0
        rows, cols, vals = [], [], []
        for t in range(T):
            for q in range(D):
                for ll in np.flatnonzero(Rext[self.factors[t, q]]):
                    rows.append(t * D + q)
                    cols.append(clo["target"][t] * n_x + ll)
                    vals.append(Rext[self.factors[t, q], ll])
        self.dmap = sparse.csr_matrix((np.array(vals, dtype=np.complex128), (rows, cols)),
                                      shape=(T * D, n_w * n_x)).T.tocsr()

    def _zext(self, X: np.ndarray) -> np.ndarray:
        b = self.template
        Xe = np.concatenate([X, np.zeros((len(X), 1))], axis=1)
        z = Xe[:, b.re_idx] + 1j * b.im_sign * Xe[:, b.im_idx]
        return np.concatenate([z, np.ones((len(X), 1))], axis=1)

    def _to_real(self, F: np.ndarray) -> np.ndarray:
        b = self.template
        out = np.empty((F.shape[0], self.n_x) + F.shape[2:], dtype=float)
        out[:, b.pos_re] = F.real
        out[:, b.pos_im[b.complex_rows]] = F[:, b.complex_rows].imag
        return out

    def rhs(self, X: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """F at the states X (m, n_x), row i at the point owner[i]."""
        return _blocked(self._rhs, X, owner, (self.n_x,))

    def jacobian(self, X: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """dF/dx at the states X (m, n_x, n_x), row i at the point owner[i]."""
        return _blocked(self._jacobian, X, owner, (self.n_x, self.n_x))

    def _rhs(self, X: np.ndarray, owner: np.ndarray) -> np.ndarray:
        zext = self._zext(X)
        # products through BLAS: call within one_blas_thread (threads cost milliseconds per small product)
        w = (self.coef * zext[:, self.factors].prod(axis=2)) @ self.scatter if len(self.coef) else \
            np.zeros((len(X), self.n_w), dtype=np.complex128)
        ext = np.concatenate([X, np.ones((len(X), 1)), w.real, w.imag], axis=1)
        return np.matmul(self.M[owner], ext[:, :, None])[:, :, 0]

    def _jacobian(self, X: np.ndarray, owner: np.ndarray) -> np.ndarray:
        M = self.M[owner]
        n_x = self.n_x
        if not len(self.coef):
            return np.ascontiguousarray(M[:, :, :n_x])
        zext = self._zext(X)
        T, D = self.factors.shape
        Z = [zext[:, self.factors[:, q]] for q in range(D)]  # (m, T) each
        # V[q] = coef Π_(q' ≠ q) Z[q']: prefix and suffix products
        V: list[np.ndarray] = [np.empty(0)] * D
        prefix = np.broadcast_to(self.coef.astype(np.complex128), Z[0].shape)
        for q in range(D):
            V[q] = prefix
            prefix = prefix * Z[q]
        suffix = None
        for q in range(D - 1, -1, -1):
            if suffix is not None:
                V[q] = V[q] * suffix
            suffix = Z[q] if suffix is None else suffix * Z[q]
        Vs = np.stack(V, axis=2).reshape(len(X), T * D)  # rows (t, q) as the map expects them
        dw = np.asarray(self.dmap @ Vs.T).T.reshape(len(X), self.n_w, n_x)
        return M[:, :, :n_x] + np.matmul(M[:, :, n_x + 1:], np.concatenate([dw.real, dw.imag], axis=1))

    def system(self, p: int, initial_state: np.ndarray, template: RealODESystem) -> RealODESystem:
        """Point p as a ``RealODESystem`` (for the per-point steps: stability, a neighbour's Newton);
        ``template`` is a system of the same structure at the point's N (observables, samples, bounds)."""
        b = _PointBound.of(cast(BoundSystem, template.meta["bound"]), self.A[p], self.values[p])
        return RealODESystem(
            names=b.names,
            rhs=b.rhs,
            jacobian=b.jacobian,
            observables=b.observables,
            initial_state=initial_state,
            sample_states=template.sample_states,
            rotation=None,
            admissible=b.admissible,
            meta={**template.meta, "values": dict(b.values), "bound": b},
        )


class _PointBound(BoundSystem):
    """A ``BoundSystem`` of the template's structure with one point's coefficients; its sparse matrices
    (for the per-point rhs and Jacobian, which most points of a batch never call) are made on first use."""

    @classmethod
    def of(cls, template: BoundSystem, A: np.ndarray, values: Mapping[str, float]) -> _PointBound:
        b = cls.__new__(cls)
        b.__dict__.update({k: v for k, v in template.__dict__.items() if k not in ("_A_sparse", "_Aw")})
        b.values = {k: float(v) for k, v in values.items()}
        b.A, b._Az = A, A[:, : b.n_z + 1].copy()
        return b

    @functools.cached_property
    def _A_sparse(self):
        return sparse.csr_matrix(self.A)

    @functools.cached_property
    def _Aw(self):
        return sparse.csr_matrix(self.A[:, self.n_z + 1 :])


def _lstsq(J: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Minimum-norm least-squares solutions of J[i] s = b[i], as numpy.linalg.lstsq gives them.

    lstsq (SVD) drops singular values below ε·n·σ_max; for a better-conditioned J its solution is J⁻¹b
    up to rounding. The inverse (LU, ~10× cheaper than an SVD at n = 20) is used where the 1-norm
    condition |J|₁|J⁻¹|₁ < 1e12 (then the 2-norm condition is below n·1e12, far from the cut at 1/(ε n));
    the others (and every J of a stack holding an exactly singular one) go through the SVD."""
    svd = np.ones(len(J), dtype=bool)
    out = np.empty(b.shape)
    try:
        inv = np.linalg.inv(J)
        cond = np.max(np.sum(np.abs(J), axis=1), axis=1) * np.max(np.sum(np.abs(inv), axis=1), axis=1)
        svd = ~(np.isfinite(cond) & (cond < 1e12))
        out[~svd] = np.einsum("mij,mj->mi", inv[~svd], b[~svd])
    except np.linalg.LinAlgError:
        pass
    if svd.any():
        U, s, Vt = np.linalg.svd(J[svd])
        cut = np.finfo(float).eps * max(J.shape[1:]) * s[:, :1]
        inv_s = np.where(s > cut, 1.0 / np.where(s > cut, s, 1.0), 0.0)
        out[svd] = np.einsum("mji,mj->mi", Vt, inv_s * np.einsum("mji,mj->mi", U, b[svd]))
    return out


def _norms(R: np.ndarray) -> np.ndarray:
    ok = np.all(np.isfinite(R), axis=1)
    return np.where(ok, np.linalg.norm(np.where(ok[:, None], R, 0.0), axis=1), np.inf)


def batched_newton(bs: BatchedCumulantSystem, X0: np.ndarray, owner: np.ndarray, residual_tol: float,
                   max_iter: int = 100) -> list[Root | None]:
    """:func:`cumex.steady.newton.newton_root` (no rotation) from every row of X0 at its point owner[i]."""
    out: list[Root | None] = []
    with np.errstate(all="ignore"):
        for lo in range(0, len(X0), CHUNK):
            out += _newton_chunk(bs, np.array(X0[lo:lo + CHUNK], dtype=float), owner[lo:lo + CHUNK],
                                 residual_tol, max_iter)
    return out


def _newton_chunk(bs, X, owner, residual_tol, max_iter):
    tol = 0.1 * residual_tol
    good = np.all(np.isfinite(X), axis=1)
    R = bs.rhs(X, owner)
    f = _norms(R)
    active = good & (f > tol) & np.isfinite(f)
    for _ in range(max_iter):
        act = np.flatnonzero(active)
        if not act.size:
            break
        J = bs.jacobian(X[act], owner[act])
        finite = np.all(np.isfinite(J), axis=(1, 2))
        active[act[~finite]] = False
        act, J = act[finite], J[finite]
        if not act.size:
            break
        step = _lstsq(J, -R[act])
        t = np.ones(act.size)
        pending = np.ones(act.size, dtype=bool)
        accepted = np.zeros(act.size, dtype=bool)
        while pending.any():
            k = np.flatnonzero(pending)
            Xn = X[act[k]] + t[k, None] * step[k]
            Rn = bs.rhs(Xn, owner[act[k]])
            fn = _norms(Rn)
            ok = fn < (1.0 - 1e-4 * t[k]) * f[act[k]]
            hit = act[k[ok]]
            X[hit], R[hit], f[hit] = Xn[ok], Rn[ok], fn[ok]
            accepted[k[ok]] = True
            pending[k[ok]] = False
            t[k[~ok]] *= 0.5
            pending[k[~ok]] = t[k[~ok]] >= 1e-6
        active[act[~accepted]] = False  # stalled, as newton_root stops
        active[act] &= (f[act] > tol) & np.isfinite(f[act])
    # the acceptance test of newton_root: inf-norm residual within max(tol, 100 ε |J| |x|); the floor
    # (a Jacobian) is needed only where the residual is above tol
    res = np.where(np.all(np.isfinite(R), axis=1), np.max(np.abs(np.where(np.isfinite(R), R, 0.0)), axis=1), np.inf)
    accept = np.full(len(X), residual_tol)
    check = np.flatnonzero(good & np.isfinite(res) & (res > residual_tol))
    if check.size:
        J = bs.jacobian(X[check], owner[check])
        finite_J = np.all(np.isfinite(J), axis=(1, 2))
        rows = np.max(np.sum(np.abs(np.where(np.isfinite(J), J, 0.0)), axis=2), axis=1)
        floor = 100.0 * np.finfo(float).eps * rows * np.maximum(1.0, np.max(np.abs(X[check]), axis=1))
        accept[check] = np.where(finite_J, np.maximum(residual_tol, floor), residual_tol)
    return [Root(x=X[i].copy(), nu=0.0, residual=float(res[i]), iterations=0)
            if good[i] and np.isfinite(res[i]) and res[i] <= accept[i] else None for i in range(len(X))]


@contextlib.contextmanager
def one_blas_thread():
    """BLAS threads cost milliseconds per tiny product on a busy machine: the products here are small."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield



def lift_states(lower: BoundSystem, X: np.ndarray, upper: BoundSystem) -> np.ndarray:
    """:func:`cumex.cumulants.lift.lift_state` of every row of X (states of ``lower``), evaluated together."""
    from cumex.cumulants.closure import closure
    from cumex.cumulants.moments import ONE
    from cumex.cumulants.system import nonzero_filter

    if not len(X):
        return np.empty((0, upper.n_x))
    Xe = np.concatenate([X, np.zeros((len(X), 1))], axis=1)
    zl = Xe[:, lower.re_idx] + 1j * lower.im_sign * Xe[:, lower.im_idx]
    known = {m: zl[:, k] for k, m in enumerate(lower.compiled.zmoments) if lower.zkept[k]}
    nonzero = nonzero_filter(lower.compiled.symmetry)
    memo: dict = {}
    ones, zeros = np.ones(len(X), dtype=complex), np.zeros(len(X), dtype=complex)

    def value(m):
        if m == ONE:
            return ones
        if m in known:
            return known[m]
        if not nonzero(m):
            return zeros
        if m not in memo:
            total = zeros
            for fs, k in closure(m, nonzero).items():
                term = ones
                for f in fs:
                    term = term * value(f)
                total = total + k * term
            memo[m] = total
        return memo[m]

    Z = np.array([value(m) if upper.zkept[i] else zeros for i, m in enumerate(upper.compiled.zmoments)]).T
    out = np.zeros((len(X), upper.n_x))
    for k, m in enumerate(upper.compiled.zmoments):
        if upper.zkept[k] and m == m.representative():
            out[:, upper.re_idx[k]] = Z[:, k].real
            if upper.im_idx[k] < upper.n_x:
                out[:, upper.im_idx[k]] = Z[:, k].imag
    return out
