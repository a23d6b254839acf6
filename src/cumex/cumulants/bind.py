"""Bind a :class:`CompiledSystem` to numbers (parameters and N) and hand out a ``RealODESystem``.

Small N: moments on more satellites than exist are unphysical. Their couplings to physical moments
carry the exact factor (N - k) = 0, so for N below the order they are dropped (their z entries fixed at
0) and the remaining system is the exact hierarchy: order M is exact whenever N + 1 ≤ M.
"""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

from cumex.cumulants.compile import CompiledSystem
from cumex.cumulants.moments import Moment
from cumex.steady.system import RealODESystem

__all__ = ["BoundSystem", "bind"]


def _eval_poly(terms: Mapping[str, np.ndarray], zext: np.ndarray, size: int) -> np.ndarray:
    prod = terms["coef"] * zext[terms["factors"]].prod(axis=1)
    t = terms["target"]
    return np.bincount(t, prod.real, minlength=size) + 1j * np.bincount(t, prod.imag, minlength=size)


def _product_values(moments: list[Moment], central: Mapping[str, complex], satellite: Mapping[str, complex]) -> np.ndarray:
    def site(d: Mapping[str, complex], label: str) -> complex:
        return {"I": 1.0, "Z": d["Z"], "P": d["P"], "M": np.conj(d["P"])}[label]

    out = np.empty(len(moments), dtype=np.complex128)
    for i, m in enumerate(moments):
        v = site(central, m.central)
        for s in m.satellites:
            v *= site(satellite, s)
        out[i] = v
    return out


class BoundSystem:
    """rhs and exact Jacobian of the real system at fixed parameters (see :mod:`cumex.cumulants.compile`)."""

    def __init__(self, compiled: CompiledSystem, values: Mapping[str, float]):
        self.compiled = c = compiled
        self.values = dict(values)
        N = float(values["N"])
        n_z = len(c.zmoments)
        self.n_z, self.n_w = n_z, len(c.wmoments)
        mono = np.array([np.prod([float(values[n]) ** p for n, p in m]) if m else 1.0 for m in c.monomials])
        coef = c.lin_coef * (mono[c.lin_mono] if len(mono) else 1.0)
        A = np.zeros((len(c.reps), n_z + 1 + self.n_w), dtype=np.complex128)
        np.add.at(A, (c.lin_row, c.lin_col), coef)
        kept = [i for i, m in enumerate(c.reps) if len(m.satellites) <= N]
        self.reps = [c.reps[i] for i in kept]
        self.A = A[kept]
        zkept = np.array([len(m.satellites) <= N for m in c.zmoments] + [True])
        if np.any(self.A[:, : n_z + 1][:, ~zkept] != 0):
            raise RuntimeError("physical moments couple to moments on more than N satellites")
        wused = np.any(self.A[:, n_z + 1 :] != 0, axis=0)
        for j in np.flatnonzero(wused):
            rows = c.clo["target"] == j
            if not np.all(zkept[c.clo["factors"][rows]]):
                raise RuntimeError("a closure used by physical moments needs moments on more than N satellites")
        self.zkept = zkept[:n_z]
        # real unknowns and the map z = R x (x padded with a trailing 0 for absent parts)
        pos_re, pos_im, names = [], [], []
        for m in self.reps:
            pos_re.append(len(names))
            names.append(f"Re {m}")
            if m.self_adjoint:
                pos_im.append(-1)
            else:
                pos_im.append(len(names))
                names.append(f"Im {m}")
        self.names = names
        n_x = len(names)
        self.n_x = n_x
        self.pos_re = np.array(pos_re, dtype=np.int64)
        self.pos_im = np.array(pos_im, dtype=np.int64)
        rep_pos = {m: (pos_re[i], pos_im[i]) for i, m in enumerate(self.reps)}
        self.re_idx = np.full(n_z, n_x, dtype=np.int64)
        self.im_idx = np.full(n_z, n_x, dtype=np.int64)
        self.im_sign = np.zeros(n_z)
        for k, m in enumerate(c.zmoments):
            rep = m.representative()
            if rep not in rep_pos:
                continue
            pr, pi = rep_pos[rep]
            self.re_idx[k] = pr
            if pi >= 0:
                self.im_idx[k] = pi
                self.im_sign[k] = 1.0 if rep == m else -1.0
        R = np.zeros((n_z, n_x + 1), dtype=np.complex128)
        np.add.at(R, (np.arange(n_z), self.re_idx), 1.0)
        np.add.at(R, (np.arange(n_z), self.im_idx), 1j * self.im_sign)
        self.R = R[:, :n_x]
        self.complex_rows = self.pos_im >= 0
        # Jacobian bookkeeping for the closure polynomials
        self.clo = c.clo

    # core maps -----------------------------------------------------------------------------------
    def z_of_x(self, x: np.ndarray) -> np.ndarray:
        xe = np.append(np.asarray(x, dtype=float), 0.0)
        return xe[self.re_idx] + 1j * self.im_sign * xe[self.im_idx]

    def complex_rhs(self, x: np.ndarray) -> np.ndarray:
        zext = np.append(self.z_of_x(x), 1.0)
        w = _eval_poly(self.clo, zext, self.n_w)
        return self.A @ np.concatenate([zext, w])

    def _to_real(self, F: np.ndarray) -> np.ndarray:
        out = np.empty((self.n_x,) + F.shape[1:], dtype=float)
        out[self.pos_re] = F.real
        out[self.pos_im[self.complex_rows]] = F[self.complex_rows].imag
        return out

    def rhs(self, x: np.ndarray) -> np.ndarray:
        return self._to_real(self.complex_rhs(x))

    def jacobian(self, x: np.ndarray) -> np.ndarray:
        zext = np.append(self.z_of_x(x), 1.0)
        factors, coef, target = self.clo["factors"], self.clo["coef"], self.clo["target"]
        n_cols = self.n_z + 1
        dW = np.zeros(self.n_w * n_cols, dtype=np.complex128)
        if len(target):
            Z = zext[factors]
            D = Z.shape[1]
            prefix = np.ones((Z.shape[0], D + 1), dtype=np.complex128)
            suffix = np.ones((Z.shape[0], D + 1), dtype=np.complex128)
            prefix[:, 1:] = np.cumprod(Z, axis=1)
            suffix[:, :-1] = np.cumprod(Z[:, ::-1], axis=1)[:, ::-1]
            for p in range(D):
                d = coef * prefix[:, p] * suffix[:, p + 1]
                flat = target * n_cols + factors[:, p]
                dW += np.bincount(flat, d.real, minlength=dW.size) + 1j * np.bincount(flat, d.imag, minlength=dW.size)
        dW = dW.reshape(self.n_w, n_cols)
        dFdz = self.A[:, :n_cols] + self.A[:, n_cols:] @ dW
        return self._to_real(dFdz[:, : self.n_z] @ self.R)

    def observables(self, x: np.ndarray) -> dict[str, float]:
        zext = np.append(self.z_of_x(x), 1.0)
        present = np.append(self.zkept, True)
        out = {}
        for name, (terms, part, scale, offset) in self.compiled.observables.items():
            if not np.all(present[terms["factors"]]):
                out[name] = float("nan")  # needs more satellites than the model has
                continue
            v = _eval_poly(terms, zext, 1)[0]
            out[name] = float(offset + scale * (v.real if part == "re" else v.imag))
        return out

    # states --------------------------------------------------------------------------------------
    def x_of_z(self, z: np.ndarray) -> np.ndarray:
        x = np.zeros(self.n_x)
        for k, m in enumerate(self.compiled.zmoments):
            if self.zkept[k] and m == m.representative():
                x[self.re_idx[k]] = z[k].real
                if self.im_idx[k] < self.n_x:
                    x[self.im_idx[k]] = z[k].imag
        return x

    def product_state(self, central: Mapping[str, complex], satellite: Mapping[str, complex]) -> np.ndarray:
        return self.x_of_z(_product_values(self.compiled.zmoments, central, satellite))

    def admissible(self, x: np.ndarray, slack: float = 1e-9) -> bool:
        """Necessary physical bound: every moment is the average of a product of operators of norm 1
        (σ^z, σ^±), so |⟨m⟩| ≤ 1. Closure roots violating it are spurious."""
        z = self.z_of_x(x)
        return bool(np.all(np.isfinite(z)) and np.all(np.abs(z) <= 1.0 + slack))

    def rotation(self) -> np.ndarray | None:
        G = np.zeros((self.n_x, self.n_x))
        for i, m in enumerate(self.reps):
            q = m.charge
            if q and self.pos_im[i] >= 0:
                G[self.pos_im[i], self.pos_re[i]] = q
                G[self.pos_re[i], self.pos_im[i]] = -q
        return G if np.any(G) else None


def _bloch_sites(rng: np.random.Generator, symmetric: bool) -> dict[str, complex]:
    while True:
        v = rng.uniform(-1.0, 1.0, 3)
        if symmetric:
            v[:2] = 0.0
        if v @ v <= 1.0:
            return {"Z": v[2], "P": 0.5 * (v[0] + 1j * v[1])}


def _seeded(site: Mapping[str, complex], seed: float) -> dict[str, complex]:
    z = float(np.real(site["Z"]))
    p = complex(site["P"]) + seed
    room = max(1.0 - 4.0 * abs(p) ** 2, 0.0)
    return {"Z": float(np.clip(z, -np.sqrt(room), np.sqrt(room))), "P": p}


def bind(
    compiled: CompiledSystem,
    values: Mapping[str, float],
    initial_sites: Callable[[Mapping[str, float]], tuple[dict[str, complex], dict[str, complex]]] | None = None,
    seed: float = 0.01,
) -> RealODESystem:
    """A ``RealODESystem`` at fixed parameter values (``values`` holds every parameter and ``N``).

    ``initial_sites(values) -> (central, satellite)`` single-site expectations of the product initial
    state; the symmetry-broken variant adds ``seed`` to ⟨σ+⟩ of every site (shrinking ⟨σz⟩ if needed
    to stay inside the Bloch ball). ``sample_states`` draws random product states.
    """
    b = BoundSystem(compiled, values)
    broken = compiled.symmetry == "broken"
    central, satellite = initial_sites(values) if initial_sites else ({"Z": -1.0, "P": 0.0}, {"Z": 0.0, "P": 0.0})
    if broken:
        central, satellite = _seeded(central, seed), _seeded(satellite, seed)
    x0 = b.product_state(central, satellite)

    def sample_states(rng: np.random.Generator, k: int) -> np.ndarray:
        return np.array(
            [b.product_state(_bloch_sites(rng, not broken), _bloch_sites(rng, not broken)) for _ in range(k)]
        ).reshape(k, b.n_x)

    return RealODESystem(
        names=b.names,
        rhs=b.rhs,
        jacobian=b.jacobian,
        observables=b.observables,
        initial_state=x0,
        sample_states=sample_states,
        rotation=b.rotation(),
        admissible=b.admissible,
        meta={
            "model": compiled.model,
            "order": compiled.order,
            "symmetry": compiled.symmetry,
            "values": {k: float(v) for k, v in values.items()},
            "bound": b,
        },
    )
