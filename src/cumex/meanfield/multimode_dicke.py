"""Pattern retrieval in the open multimode Dicke model by exact (N → ∞) mean-field theory.

Model, mapping, N scaling and closed forms: :mod:`cumex.meanfield.multimode_dicke_model`; equations:
:mod:`cumex.meanfield.multimode_dicke_equations`. :func:`solve_multimode_dicke` computes at one
parameter point

* ``overlap[μ]``: the stationary |ξ_μ| reached from the state aligned with pattern μ (m_{z,k} = f_{μ,k},
  ξ_μ = 1, bosons empty), as in the paper's Fig. 3a: the trajectory of eqs. 7 (DOP853) is followed until
  max|F| ≤ ``settle_tol`` (or ``t_max``) and its end polished to a fixed point on the spheres;
* ``mode_occupation[μ]``: |α_μ|² of mode μ in that same state (Fig. 3b), normalised as in the paper:
  lim ⟨a_μ† a_μ⟩/N with N = N_sp/2^(M-1) the group size of the gauge-reduced mapping (for the ungauged
  mapping, whose groups are half as large, the value is converted: × 2^(M-1)/2^M); per original spin,
  ⟨n_μ⟩/N_sp, divide by 2^(M-1);
* ``kind[μ]``: the linear stability of that state on the spheres (:mod:`cumex.steady.tangent_stability`);
* ``n_steady_states``, ``n_stable``: the fixed points found by :mod:`cumex.steady.constrained` (stable =
  asymptotically or neutrally stable) from the starts below, and the count of each kind.

Starts of the fixed-point search: every fixed point has y = 0 and each spin along ±(Ω, h_k) with h_k
set by the overlaps ξ (equations module), so starts are :meth:`state_from_overlaps` for every sign
pattern s ∈ {±1}^G (all when 2^G ≤ ``max_sign_patterns``, else that many drawn at random: the counts are
then lower bounds, ``counts_exhaustive`` False) combined with ξ = 0, ξ = ±|z_ν| e_ν (eq. 12, or 0.5 below
g_crit,ν), with ``mixture_starts`` ξ = 0.6(±e_μ ± e_ν), and ``xi_random_per_sign`` random ξ; plus
the aligned states, the physical roots and ``n_random`` random states. All ξ = 0 starts are exact fixed points (α = 0, each spin along
±x), so there are at least 2^G; the counts depend on the mapping (the ungauged equations contain the
gauge-reduced ones as an invariant subspace and have more fixed points).

How complete the counts are (M = 4, default Ω_μ, κ = 1). Starts are the lifted (s, ξ) states for the
ξ list above plus ``xi_random_per_sign`` random ξ ∈ [-1, 1]^M per sign pattern, each passed on both as
it is and, where :func:`overlap_roots` converges, as the exact root it leads to. Without the random ξ
and the ξ pre-solve the counts were 524 (g0 = 0.8), 1020 (1.0), 1474 (1.5); 2048 extra random-ξ starts
left 0.8 and 1.0 unchanged but gave 1639 at 1.5, and the defaults now give 1020 at 1.0 and 1730 at 1.5.
So at strong coupling ``n_steady_states`` is a lower bound (the extra states are all unstable), while
``n_stable`` (8 there: the ± retrieved state of every pattern) did not change in any of these checks.
For M ≤ 2 the count equals an independent exhaustive angle search (tests).

What the equations do (seen in tests/test_multimode_dicke.py and benchmarks/multimode_dicke.py):

* No state with more groups than modes is asymptotically stable: spin combinations orthogonal to every
  pattern row couple to no mode and precess undamped (at 2√(Ω² + h_k²)), so the normal state below all
  thresholds and the retrieved states are at best *neutrally* stable (semisimple imaginary eigenvalues).
  A perturbed retrieved state therefore stays close and keeps its overlap on average, but does not
  converge: the "basin of attraction" of the paper holds in the sense of Lyapunov stability only.
* The aligned start stays in an invariant subspace (every group moves like one spin, only mode μ is
  driven: a single-mode Dicke model), where it converges. Below g_crit,μ it therefore reaches the normal
  state even when that state is unstable against another pattern with a lower g_crit (``kind`` says so).
* A retrieved state can exist and be unstable: with the default Ω_μ, pattern 4 at g0 = 1.0 (g_crit,4 =
  0.878) has a real growing mode, and a perturbed start leaves it for the retrieved state of pattern 1.
* Some fixed points (e.g. normal states with some spins along +x) have Jordan blocks on the imaginary
  axis: an undamped spin mode driven resonantly by another one (algebraic multiplicity 5, geometric 4).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from cumex.errors import CumexInputError
from cumex.meanfield.multimode_dicke_equations import MultimodeDickeEquations
from cumex.meanfield.multimode_dicke_model import (
    MAPPINGS,
    MultimodeDickeParameters,
    g_crit,
    mode_occupation_closed_form,
    overlap_closed_form,
    resolve_parameters,
)
from cumex.results import MethodResult, SteadyState
from cumex.steady.constrained import ConstrainedAnalysis, classify_on_manifold, find_constrained_fixed_points, integrate_constrained
from cumex.steady.tangent_stability import KINDS

__all__ = ["DEFAULT_SETTINGS", "MultimodeDickeResult", "solve_multimode_dicke", "fixed_point_starts", "overlap_roots",
           "read_settings"]

DEFAULT_SETTINGS: dict[str, object] = {
    "mapping": "gauge_reduced",
    "count_fixed_points": True,
    "max_sign_patterns": 256,
    "mixture_starts": True,
    "xi_random_per_sign": 8,
    "n_random": 64,
    "rng_seed": 0,
    "t_max": 2e4,
    "settle_tol": 1e-9,
}


def read_settings(settings: Mapping[str, object] | None) -> dict[str, object]:
    out = dict(DEFAULT_SETTINGS)
    for key, value in (settings or {}).items():
        if key not in DEFAULT_SETTINGS:
            raise CumexInputError(f"settings.{key}", value, f"one of {', '.join(DEFAULT_SETTINGS)}")
        if key == "mapping":
            if value not in MAPPINGS:
                raise CumexInputError("settings.mapping", value, " or ".join(MAPPINGS))
        elif key in ("count_fixed_points", "mixture_starts"):
            if not isinstance(value, (bool, np.bool_)):
                raise CumexInputError(f"settings.{key}", value, "true or false")
            value = bool(value)
        elif key in ("max_sign_patterns", "n_random", "rng_seed", "xi_random_per_sign"):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
                raise CumexInputError(f"settings.{key}", value, "an integer >= 0")
            value = int(value)
        else:
            try:
                value = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise CumexInputError(f"settings.{key}", value, "a positive real number") from None
            if not (math.isfinite(value) and value > 0):
                raise CumexInputError(f"settings.{key}", value, "a positive real number")
        out[key] = value
    return out


@dataclass
class MultimodeDickeResult:
    """One parameter point. Arrays along ``pattern``/``mode`` have length M, index 0 = μ = 1.

    Lay out in xarray with :meth:`to_dataset` (dims pattern, mode, kind) or as a flat
    :class:`cumex.results.MethodResult` with :meth:`to_method_result` (observables overlap_1..overlap_M,
    mode_occupation_1..mode_occupation_M)."""

    params: MultimodeDickeParameters
    mapping: str
    overlap: np.ndarray
    mode_occupation: np.ndarray
    overlap_closed_form: np.ndarray
    mode_occupation_closed_form: np.ndarray
    g_crit: np.ndarray
    #: stability kind of the state reached from each aligned start ("" when none was reached)
    kind: list[str]
    #: whether each aligned trajectory settled (max|F| ≤ settle_tol) before t_max
    settled: np.ndarray
    #: None when count_fixed_points is False
    n_steady_states: int | None
    n_stable: int | None
    n_by_kind: dict[str, int]
    #: every sign pattern was started (not a proof that every fixed point was found: see the docstring)
    counts_exhaustive: bool
    converged: bool
    status: str
    settings: dict[str, object] = field(default_factory=dict)
    fixed_points: ConstrainedAnalysis | None = None
    #: the fixed point reached from each aligned start (None where none was reached)
    physical_states: list[np.ndarray | None] = field(default_factory=list)

    @property
    def pattern(self) -> np.ndarray:
        return np.arange(1, self.params.M + 1)

    def to_dataset(self):
        import xarray as xr

        def count(v):
            return np.nan if v is None else float(v)

        ds = xr.Dataset(
            {
                "overlap": ("pattern", self.overlap, {"long_name": "stationary |xi_mu| from the state aligned with pattern mu"}),
                "overlap_closed_form": ("pattern", self.overlap_closed_form, {"long_name": "eq. 12 |z|"}),
                "g_crit": ("pattern", self.g_crit, {"long_name": "critical g0 of pattern mu"}),
                "settled": ("pattern", self.settled.astype(np.int8)),
                "kind": ("pattern", np.array(self.kind, dtype=object)),
                "mode_occupation": ("mode", self.mode_occupation,
                                    {"long_name": "|alpha_mu|^2 = <n_mu>/(N_sp/2^(M-1)) from the state aligned with pattern mu"}),
                "mode_occupation_closed_form": ("mode", self.mode_occupation_closed_form),
                "n_steady_states": count(self.n_steady_states),
                "n_stable": count(self.n_stable),
                "n_by_kind": ("kind_name", np.array([self.n_by_kind.get(k, 0) for k in KINDS], dtype=float)),
                "converged": int(self.converged),
            },
            coords={"pattern": self.pattern, "mode": self.pattern, "kind_name": list(KINDS)},
            attrs={"mapping": self.mapping, "status": self.status, "counts_exhaustive": int(self.counts_exhaustive),
                   "M": self.params.M, "omega": self.params.omega, "g0": self.params.g0,
                   "omega_modes": list(self.params.omega_modes), "kappa": list(self.params.kappa)},
        )
        return ds

    def to_method_result(self) -> MethodResult:
        obs = {f"overlap_{m}": float(v) for m, v in zip(self.pattern, self.overlap)}
        obs.update({f"mode_occupation_{m}": float(v) for m, v in zip(self.pattern, self.mode_occupation)})
        physical = SteadyState(obs, all(k in ("asymptotically_stable", "neutrally_stable") for k in self.kind), 0.0,
                               {"n_settled": float(np.sum(self.settled))})
        states = []
        if self.fixed_points is not None:
            eq = MultimodeDickeEquations(self.params, self.mapping)
            for fp in self.fixed_points.fixed_points:
                ov, occ = np.abs(eq.overlaps(fp.x)), eq.mode_occupations(fp.x)
                st_obs = {**{f"overlap_{m}": float(v) for m, v in zip(self.pattern, ov)},
                          **{f"mode_occupation_{m}": float(v) for m, v in zip(self.pattern, occ)}}
                states.append(SteadyState(st_obs, fp.stable, fp.residual, {"max_real_eigenvalue": fp.stability.max_real_eigenvalue}))
        return MethodResult(states, physical if self.converged else None, self.converged, self.status, dict(self.settings))


def fixed_point_starts(eq: MultimodeDickeEquations, max_sign_patterns: int, mixture_starts: bool,
                       rng: np.random.Generator, xi_random_per_sign: int = 0) -> tuple[np.ndarray, bool]:
    """The structured starts of the module docstring, shape (k, n), and whether every sign pattern was
    used. Each (s, ξ) start is also solved in ξ first (:func:`overlap_roots`); the converged ones are
    lifted to exact fixed points and passed on beside the unsolved starts."""
    G, M = eq.G, eq.M
    if 2**G <= max_sign_patterns:
        signs = np.array(list(itertools.product((-1.0, 1.0), repeat=G)))
        exhaustive = True
    else:
        signs = np.vstack([-np.ones(G), np.ones(G), rng.choice((-1.0, 1.0), size=(max(max_sign_patterns - 2, 0), G))])
        exhaustive = False
    amp = overlap_closed_form(eq.p)
    amp = np.where(amp > 0, amp, 0.5)
    xis = [np.zeros(M)]
    for nu in range(M):
        for s in (-1.0, 1.0):
            xis.append(s * amp[nu] * np.eye(M)[nu])
    if mixture_starts:
        for mu, nu in itertools.combinations(range(M), 2):
            for s1, s2 in itertools.product((-1.0, 1.0), repeat=2):
                xis.append(0.6 * (s1 * np.eye(M)[mu] + s2 * np.eye(M)[nu]))
    xi = np.array(xis)
    if xi_random_per_sign:
        xi = np.vstack([xi, rng.uniform(-1.0, 1.0, size=(xi_random_per_sign, M))])
    xi_all = np.broadcast_to(xi[None], (len(signs), len(xi), M)).reshape(-1, M)
    s_all = np.repeat(signs, len(xi), axis=0)
    # solve the overlap equation first (M unknowns per start); converged ones lift to exact fixed points
    xi_root, ok = overlap_roots(eq, xi_all, s_all)
    lifted = eq.state_from_overlaps(xi_root[ok], s_all[ok])
    # the unsolved starts too: the full iteration from a start can reach roots the ξ iteration misses
    starts = eq.state_from_overlaps(xi_all, s_all)
    return np.vstack([lifted, starts]), exhaustive


def overlap_roots(eq: MultimodeDickeEquations, xi: np.ndarray, signs: np.ndarray, iters: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """Batched damped Newton on Φ(ξ) = ξ - (1/G) f [s ⊙ h/√(Ω² + h²)], h = -fᵀ(λ ⊙ ξ): the fixed-point
    condition of eqs. 7 reduced to the overlaps for a fixed sign pattern s (equations module). Returns
    the iterates and a mask of those with max|Φ| ≤ 1e-13."""
    f, G, om = eq.f, eq.G, eq.p.omega
    lam = 2 * eq.p.g0**2 * eq.omega_modes / eq.D

    def phi(x):
        h = -(x * lam) @ f
        return x - (signs * h / np.sqrt(om**2 + h**2)) @ f.T / G, h

    x = np.array(xi, dtype=float)
    r, h = phi(x)
    for _ in range(iters):
        w = signs * om**2 / (om**2 + h**2) ** 1.5  # d/dh of h/√(Ω²+h²), with the sign
        J = np.eye(eq.M) + np.einsum("mk,bk,nk->bmn", f, w, f) * lam / G
        with np.errstate(all="ignore"):
            try:
                step = np.linalg.solve(J, -r[..., None])[..., 0]
            except np.linalg.LinAlgError:
                step = -np.array([np.linalg.lstsq(a, b, rcond=None)[0] for a, b in zip(J, r)])
        step = np.where(np.isfinite(step), step, 0.0)
        # a bounded step: the overlaps live in [-1, 1]
        scale = np.minimum(1.0, 0.5 / np.maximum(np.abs(step).max(axis=1, keepdims=True), 1e-300))
        x = x + scale * step
        r, h = phi(x)
    return x, np.abs(r).max(axis=1) <= 1e-13


def _physical(eq: MultimodeDickeEquations, cfg: dict[str, object]):
    system = eq.system()
    out = []
    for mu in range(1, eq.M + 1):
        out.append(integrate_constrained(system, eq.aligned_state(mu), t_max=float(cfg["t_max"]),  # type: ignore[arg-type]
                                         settle_tol=float(cfg["settle_tol"])))  # type: ignore[arg-type]
    return system, out


def solve_multimode_dicke(params: Mapping[str, object] | MultimodeDickeParameters,
                          settings: Mapping[str, object] | None = None) -> MultimodeDickeResult:
    """Solve one point (module docstring). Bad params/settings raise :class:`CumexInputError`;
    numerical failures are reported in ``converged``/``status``."""
    p = params if isinstance(params, MultimodeDickeParameters) else resolve_parameters(params)
    cfg = read_settings(settings)
    eq = MultimodeDickeEquations(p, str(cfg["mapping"]))
    system, runs = _physical(eq, cfg)
    M = p.M
    overlap, occupation = np.full(M, np.nan), np.full(M, np.nan)
    kinds, notes, roots = [""] * M, [], []
    for i, run in enumerate(runs):
        roots.append(run.root)
        if run.root is None:
            notes.append(f"pattern {i + 1}: no fixed point polished from the trajectory's end ({run.message})")
            continue
        overlap[i] = abs(eq.overlaps(run.root)[i])
        occupation[i] = eq.mode_occupations(run.root)[i]
        kinds[i] = classify_on_manifold(system, run.root).kind
        if not run.settled:
            notes.append(f"pattern {i + 1}: {run.message}; observables of the fixed point polished from its end")
    n_states = n_stable = None
    by_kind: dict[str, int] = {}
    exhaustive = False
    analysis = None
    if cfg["count_fixed_points"]:
        rng = np.random.default_rng(int(cfg["rng_seed"]))  # type: ignore[call-overload]
        starts, exhaustive = fixed_point_starts(eq, int(cfg["max_sign_patterns"]), bool(cfg["mixture_starts"]), rng,  # type: ignore[call-overload]
                                                int(cfg["xi_random_per_sign"]))  # type: ignore[call-overload]
        extra = [eq.aligned_state(mu) for mu in range(1, M + 1)] + [r for r in roots if r is not None]
        analysis = find_constrained_fixed_points(system, np.vstack([starts, *extra]), n_random=int(cfg["n_random"]),  # type: ignore[call-overload]
                                                 seed=int(cfg["rng_seed"]))  # type: ignore[call-overload]
        n_states, n_stable = analysis.n_steady_states, analysis.n_stable
        by_kind = {k: analysis.count(k) for k in KINDS}
        if not exhaustive:
            notes.append(f"sign patterns sampled ({cfg['max_sign_patterns']} of 2^{eq.G}): counts are lower bounds")
    bounded = np.all(np.isfinite(overlap)) and np.all(overlap <= 1 + 1e-10) and np.all(occupation >= 0)
    converged = bool(bounded)
    summary = f"{M} aligned starts, {int(sum(r.settled for r in runs))} settled"
    if n_states is not None:
        summary += f"; {n_states} fixed point(s), {n_stable} stable " + ", ".join(f"{by_kind[k]} {k}" for k in KINDS if by_kind[k])
    status = "; ".join([("ok: " if converged else "failed: ") + summary, *notes])
    used = {**cfg, "parameters": p.as_dict()}
    return MultimodeDickeResult(p, eq.mapping, overlap, occupation, overlap_closed_form(p), mode_occupation_closed_form(p),
                                g_crit(p), kinds, np.array([r.settled for r in runs]), n_states, n_stable, by_kind,
                                exhaustive, converged, status, used, analysis, roots)
