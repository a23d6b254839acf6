"""Bind a :class:`CompiledSystem` to numbers (parameters and N) and hand out a ``RealODESystem``.

Small N: moments on more satellites than exist are unphysical. Their couplings to physical moments
carry the exact factor (N - k) = 0, so for N below the order they are dropped (their z entries fixed at
0) and the remaining system is the exact hierarchy: order M is exact whenever N + 1 ≤ M (for a central
spin; a mode has no finite hierarchy).

Product states: the central site of a spin model is given by {"Z": ⟨σz⟩, "P": ⟨σ+⟩}, a mode by its coherent
amplitude {"a": α} (⟨a†^p a^q⟩ = α*^p α^q; in the U(1) variant only the phase-averaged moments |α|^{2p}
enter, a phase-averaged coherent state).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
from scipy import sparse

from cumex.cumulants.compile import CompiledSystem
from cumex.cumulants.moments import Moment
from cumex.operators.boson import boson_powers, is_boson
from cumex.steady.system import RealODESystem

__all__ = ["BoundSystem", "bind"]


def _eval_poly(terms: Mapping[str, np.ndarray], zext: np.ndarray, size: int) -> np.ndarray:
    prod = terms["coef"] * zext[terms["factors"]].prod(axis=1)
    t = terms["target"]
    return np.bincount(t, prod.real, minlength=size) + 1j * np.bincount(t, prod.imag, minlength=size)


def _product_values(moments: list[Moment], central: Mapping[str, complex], satellite: Mapping[str, complex]) -> np.ndarray:
    def site(d: Mapping[str, complex], label: str) -> complex:
        if label == "I":
            return 1.0
        if is_boson(label):
            p, q = boson_powers(label)
            return np.conj(d["a"]) ** p * complex(d["a"]) ** q
        return {"Z": d["Z"], "P": d["P"], "M": np.conj(d["P"])}[label]

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
        self.boson = any(is_boson(m.central) for m in c.zmoments)
        self._bounds = self._boson_bounds() if self.boson else None
        # real unknowns and the map z = R x (x padded with a trailing 0 for absent parts)
        pos_re: list[int] = []
        pos_im: list[int] = []
        names: list[str] = []
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
        # the products below are small and sparse: sparse matrices keep them off BLAS, whose threads
        # cost milliseconds per tiny product on a busy machine (measured: 8 ms for an 88 x 129 matvec)
        self._A_sparse = sparse.csr_matrix(self.A)
        self._Az = self.A[:, : n_z + 1].copy()
        self._Aw = sparse.csr_matrix(self.A[:, n_z + 1 :])
        self._Rt = sparse.csr_matrix(self.R[:, :].T)
        self.complex_rows = self.pos_im >= 0
        # Jacobian bookkeeping for the closure polynomials
        self.clo = c.clo

    # core maps -----------------------------------------------------------------------------------
    def z_of_x(self, x: np.ndarray) -> np.ndarray:
        """Complex moments of the real state x (one state, or a stack of them along the last axis)."""
        x = np.asarray(x, dtype=float)
        xe = np.concatenate([x, np.zeros(x.shape[:-1] + (1,))], axis=-1)
        return xe[..., self.re_idx] + 1j * self.im_sign * xe[..., self.im_idx]

    def complex_rhs(self, x: np.ndarray) -> np.ndarray:
        zext = np.append(self.z_of_x(x), 1.0)
        w = _eval_poly(self.clo, zext, self.n_w)
        return self._A_sparse @ np.concatenate([zext, w])

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
        dW = dW.reshape(self.n_w, n_cols)  # type: ignore[assignment]
        dFdz = self._Az + self._Aw @ dW
        return self._to_real(np.asarray(self._Rt @ dFdz[:, : self.n_z].T).T)

    def observables(self, x: np.ndarray) -> dict[str, float]:
        zext = np.append(self.z_of_x(x), 1.0)
        present = np.append(self.zkept, True)
        out = {}
        N = float(self.values["N"])
        for name, (terms, part, scale, offset, n_power, min_order) in self.compiled.observables.items():
            if not np.all(present[terms["factors"]]) or self.compiled.order < min_order:
                out[name] = float("nan")  # needs more satellites than the model has, or a higher order
                continue
            v = _eval_poly(terms, zext, 1)[0]
            out[name] = float(offset + scale * N**n_power * (v.real if part == "re" else v.imag))
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

    def _boson_bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """For ⟨a†^p a^q S⟩ the z indices of n_p = ⟨a†^p a^p⟩ and n_q (-1: the identity, -2: not an unknown)."""
        where = {m: k for k, m in enumerate(self.compiled.zmoments)}

        def index(p: int) -> int:
            return -1 if p == 0 else where.get(Moment("A" * p + "a" * p, ()), -2)

        ip, iq = [], []
        for m in self.compiled.zmoments:
            p, q = boson_powers(m.central) if is_boson(m.central) else (0, 0)
            ip.append(index(p))
            iq.append(index(q))
        ip, iq = np.array(ip), np.array(iq)  # type: ignore[assignment]
        return ip, iq, (ip >= -1) & (iq >= -1)  # type: ignore[operator, return-value]

    def admissible(self, x: np.ndarray, slack: float = 1e-9) -> bool:
        """Necessary physical bounds; closure roots violating them are spurious. Spin sites: every moment
        averages a product of operators of norm ≤ 1 (σ^z, σ^±), so |⟨m⟩| ≤ 1. A mode: ⟨a†^p a^q S⟩ =
        ⟨X†Y⟩ with X = a^p S1, Y = a^q S2 and S = S1†S2 (‖S1‖, ‖S2‖ ≤ 1), so by Cauchy–Schwarz
        |⟨a†^p a^q S⟩|² ≤ n_p n_q with n_p = ⟨a†^p a^p⟩ ≥ 0 (checked where n_p, n_q are unknowns)."""
        z = self.z_of_x(x)
        if not np.all(np.isfinite(z)):
            return False
        if not self.boson:
            return bool(np.all(np.abs(z) <= 1.0 + slack))
        ip, iq, checked = self._bounds  # type: ignore[misc]
        ze = np.append(z, 1.0)
        n_p, n_q = ze[ip].real, ze[iq].real  # index -1 reads the appended 1 (the identity)
        scale = 1.0 + np.maximum(np.abs(n_p), np.abs(n_q))
        if np.any(n_p[checked] < -slack * scale[checked]):
            return False
        bound = np.sqrt(np.clip(n_p, 0.0, None) * np.clip(n_q, 0.0, None))
        return bool(np.all((np.abs(z) <= bound + slack * scale)[checked]))

    def admissible_rows(self, X: np.ndarray, slack: float = 1e-9) -> np.ndarray:
        """:meth:`admissible` of every row of X: the spin-site bound on the whole stack at once, a mode's
        Cauchy–Schwarz bounds row by row."""
        if self.boson:
            return np.array([self.admissible(x, slack) for x in X], dtype=bool)
        with np.errstate(all="ignore"):
            z = self.z_of_x(X)
            return np.all(np.isfinite(z), axis=1) & np.all(np.abs(z) <= 1.0 + slack, axis=1)

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


def _coherent(rng: np.random.Generator, symmetric: bool, n_max: float) -> dict[str, complex]:
    r = np.sqrt(rng.uniform(0.0, n_max))
    return {"a": r if symmetric else r * np.exp(2j * np.pi * rng.uniform())}


def _seeded(site: Mapping[str, complex], seed: float) -> dict[str, complex]:
    if "a" in site:
        return {"a": complex(site["a"]) + seed}
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
    state; the symmetry-broken variant adds ``seed`` to ⟨σ+⟩ of every spin site (shrinking ⟨σz⟩ if needed
    to stay inside the Bloch ball), or for a mode to ⟨a⟩ only (the satellites follow the field).
    ``sample_states`` draws random product states (a mode: coherent, |α|² uniform in [0, N]).
    """
    b = BoundSystem(compiled, values)
    broken = compiled.symmetry == "broken"
    default_central = {"a": 0.0} if b.boson else {"Z": -1.0, "P": 0.0}
    central, satellite = initial_sites(values) if initial_sites else (default_central, {"Z": 0.0, "P": 0.0})
    if broken:
        central = _seeded(central, seed)
        satellite = satellite if b.boson else _seeded(satellite, seed)
    x0 = b.product_state(central, satellite)
    n_max = max(float(values["N"]), 1.0)

    def sample_central(rng: np.random.Generator) -> dict[str, complex]:
        return _coherent(rng, not broken, n_max) if b.boson else _bloch_sites(rng, not broken)

    def sample_states(rng: np.random.Generator, k: int) -> np.ndarray:
        return np.array(
            [b.product_state(sample_central(rng), _bloch_sites(rng, not broken)) for _ in range(k)]
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
