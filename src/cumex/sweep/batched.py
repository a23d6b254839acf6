"""One compiled cumulant order at many parameter points at once: rhs, Jacobian, damped Newton, lift.

The equations of one compiled order (:mod:`cumex.cumulants.bind`) differ between grid points only in
their linear coefficients A (parameters and N): F(x) = A · [z(x), 1, w(z(x))] with z the complex moments
and w the closure polynomials. :class:`BatchedCumulantSystem` evaluates F and its exact Jacobian for
thousands of (point, state) pairs in one numpy expression; :func:`batched_newton` runs
:func:`cumex.steady.newton.newton_root`'s damped Newton iteration (no rotation: U(1)-symmetric orders)
on every pair together — the same least-squares steps, line search, stopping rules and acceptance test,
so each pair reaches the zero its lone run reaches, up to rounding; :func:`lift_states` is
:func:`cumex.cumulants.lift.lift_state` on arrays. Used by :mod:`cumex.sweep.multistart`; checked against
the per-point functions in ``tests/test_sweep_multistart.py``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from typing import cast

import numpy as np

from cumex.cumulants.bind import BoundSystem
from cumex.steady.newton import Root
from cumex.steady.system import RealODESystem

__all__ = ["BatchedCumulantSystem", "batched_newton", "lift_states", "one_blas_thread"]

#: (point, start) pairs evaluated together: bounds the memory of the gathered coefficient arrays
CHUNK = 8192


class BatchedCumulantSystem:
    """rhs and Jacobian of one compiled order (one ``BoundSystem`` structure, i.e. one N) at many
    parameter points: row p of every array is the point ``values[p]``."""

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
        self.A = np.ascontiguousarray(A[:, kept])
        self.n_z, self.n_w, self.n_x = b.n_z, b.n_w, b.n_x
        # closure polynomials w_j = Σ coef Π z[factors] as matrices: scatter of the terms onto their targets
        clo = b.clo
        self.factors, self.coef = clo["factors"], clo["coef"]
        T = len(clo["target"])
        self.scatter = np.zeros((T, b.n_w))
        self.scatter[np.arange(T), clo["target"]] = 1.0
        self.dscatter = []
        for p in range(self.factors.shape[1] if T else 0):
            S = np.zeros((T, b.n_w * (b.n_z + 1)))
            S[np.arange(T), clo["target"] * (b.n_z + 1) + self.factors[:, p]] = 1.0
            self.dscatter.append(S)
        self.R = b.R

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
        zext = self._zext(X)
        # products through BLAS: call within one_blas_thread (threads cost milliseconds per small product)
        w = (self.coef * zext[:, self.factors].prod(axis=2)) @ self.scatter if len(self.coef) else \
            np.zeros((len(X), self.n_w), dtype=np.complex128)
        ext = np.concatenate([zext, w], axis=1)
        return self._to_real(np.einsum("mrc,mc->mr", self.A[owner], ext))

    def jacobian(self, X: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """dF/dx at the states X (m, n_x, n_x), row i at the point owner[i]."""
        zext = self._zext(X)
        m, n_cols = len(X), self.n_z + 1
        dW = np.zeros((m, self.n_w * n_cols), dtype=np.complex128)
        if len(self.coef):
            Z = zext[:, self.factors]
            D = Z.shape[2]
            prefix = np.ones(Z.shape[:2] + (D + 1,), dtype=np.complex128)
            suffix = np.ones(Z.shape[:2] + (D + 1,), dtype=np.complex128)
            prefix[:, :, 1:] = np.cumprod(Z, axis=2)
            suffix[:, :, :-1] = np.cumprod(Z[:, :, ::-1], axis=2)[:, :, ::-1]
            for p in range(D):
                dW += (self.coef * prefix[:, :, p] * suffix[:, :, p + 1]) @ self.dscatter[p]
        A = self.A[owner]
        dFdz = A[:, :, :n_cols] + A[:, :, n_cols:] @ dW.reshape(m, self.n_w, n_cols)
        return self._to_real(dFdz[:, :, : self.n_z] @ self.R)

    def system(self, p: int, initial_state: np.ndarray, template: RealODESystem) -> RealODESystem:
        """Point p as a ``RealODESystem`` (for the per-point steps: stability, a neighbour's Newton);
        ``template`` is a system of the same structure at the point's N (observables, samples, bounds)."""
        import copy

        from scipy import sparse

        b = cast(BoundSystem, copy.copy(template.meta["bound"]))  # the template's structure, this point's coefficients
        A = self.A[p]
        b.values = {k: float(v) for k, v in self.values[p].items()}
        b.A, b._Az = A, A[:, : b.n_z + 1].copy()
        b._A_sparse, b._Aw = sparse.csr_matrix(A), sparse.csr_matrix(A[:, b.n_z + 1 :])
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
