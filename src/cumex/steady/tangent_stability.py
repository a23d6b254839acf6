"""Linear stability of a fixed point from a matrix on its tangent space: four kinds, not two.

For a fixed point x* of dx/dt = F(x) restricted to an invariant manifold (conserved quantities), the
linearisation that matters is A = Wᵀ J W, with J = dF/dx at x* and W an orthonormal basis of the
tangent space (directions that keep the conserved quantities), with the orbit directions of a
continuous symmetry quotiented out (see :mod:`cumex.steady.constrained`). The eigenvalues of A
classify x*:

    asymptotically_stable   every eigenvalue has Re λ < -tol: perturbations decay exponentially
    neutrally_stable        no Re λ > tol, and every eigenvalue on the imaginary axis is semisimple:
                            perturbations neither grow nor decay at linear order (a centre; e.g. spin
                            modes that couple to no damped degree of freedom)
    marginal_jordan         no Re λ > tol, but an eigenvalue on the imaginary axis has a Jordan block:
                            linear perturbations grow secularly (∝ t^(k-1)); NOT stable
    unstable                some Re λ > tol

"stable" means the first two. Neutral stability is a statement about the linearisation only; the
nonlinear flow may still drift slowly away from a centre.

How the imaginary-axis test works. Eigenvalues are grouped into clusters (single linkage, distance ≤
``cluster_tol``·s): a Jordan block of size k perturbed by rounding ε splits into k eigenvalues a
distance ~(ε s)^(1/k) apart, around a mean that stays accurate to O(ε s), so a cluster's mean, not its
members, decides on which side of the axis it lies (tol = ``axis_tol``·s). For a cluster on the axis the
complex Schur form is reordered so that its m eigenvalues come first; the leading block T₁₁ = λ̄ I + N
with N strictly upper triangular is diagonalisable iff N = 0 (exactly so for an exactly repeated
eigenvalue; any orthonormal basis of the invariant subspace gives the same |N| up to unitary
equivalence). We call the cluster defective when max|N| > ``jordan_tol``·s. Everything is computed on
the balanced matrix D⁻¹AD (LAPACK gebal, no permutation), s = max(1, |D⁻¹AD|∞), so neither the
tolerances nor the rounding errors depend on the units of the unknowns. Distinct but nearly equal, strongly non-normal eigenvalues on the
axis are reported as a Jordan block: their transient growth is then as large as a Jordan block's.
Any similarity can shrink a Jordan coupling, so the test is basis-dependent in principle: on the
balanced matrix rounding leaves |N| ~ 1e-16 for semisimple clusters (seen on the toys and on the
multimode Dicke states), and ``jordan_tol`` = 1e-10 sits between that and genuine defects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from cumex.steady.stability import balanced_norm

__all__ = ["KINDS", "STABLE_KINDS", "TangentStability", "classify_matrix", "eigenvalue_clusters"]

KINDS = ("asymptotically_stable", "neutrally_stable", "marginal_jordan", "unstable")
STABLE_KINDS = frozenset(KINDS[:2])


@dataclass
class TangentStability:
    kind: str
    #: eigenvalues of the tangent-space matrix (conserved and symmetry directions removed)
    eigenvalues: np.ndarray
    #: largest real part among them (-inf for an empty tangent space)
    max_real_eigenvalue: float
    #: eigenvalues whose cluster lies on the imaginary axis
    n_axis_eigenvalues: int
    #: largest |N| (relative to the scale) over the clusters on the axis; 0 when there are none
    jordan_defect: float
    reason: str

    @property
    def stable(self) -> bool:
        return self.kind in STABLE_KINDS


def eigenvalue_clusters(eig: np.ndarray, radius: float) -> list[np.ndarray]:
    """Index arrays of the single-linkage clusters of ``eig`` with link distance ≤ radius."""
    n = len(eig)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    close = np.abs(eig[:, None] - eig[None, :]) <= radius
    for i, j in zip(*np.nonzero(np.triu(close, 1))):
        parent[root(int(i))] = root(int(j))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return [np.array(g) for g in groups.values()]


def _nilpotent_part(A: np.ndarray, centre: complex, m: int, radius: float) -> float:
    """max|N| of the leading Schur block holding the m eigenvalues within ``radius`` of ``centre``."""
    T, _, sdim = scipy.linalg.schur(A.astype(complex), output="complex", sort=lambda lam: abs(lam - centre) <= radius)
    if sdim != m:  # the reordered Schur form sees a different cluster: fall back on the rank of A - λ̄I
        sv = np.linalg.svd(A - centre * np.eye(len(A)), compute_uv=False)
        geometric = int(np.sum(sv <= radius))
        return 0.0 if geometric >= m else float("inf")
    block = T[:m, :m]
    return float(np.max(np.abs(np.triu(block, 1)))) if m > 1 else 0.0


def classify_matrix(A: np.ndarray, axis_tol: float = 1e-9, cluster_tol: float = 1e-5,
                    jordan_tol: float = 1e-10) -> TangentStability:
    """Classify the linearisation ``A`` (already restricted to the tangent space) into one of KINDS."""
    A = np.asarray(A, dtype=float)
    if A.size == 0:
        return TangentStability("asymptotically_stable", np.zeros(0, complex), float("-inf"), 0, 0.0, "empty tangent space")
    if not np.all(np.isfinite(A)):
        return TangentStability("unstable", np.full(len(A), np.nan + 0j), float("nan"), 0, float("nan"),
                                "linearisation not finite")
    # work on the balanced matrix D⁻¹AD: same spectrum and Jordan structure, no dependence on units
    A = scipy.linalg.matrix_balance(A, permute=False)[0]
    scale = max(1.0, balanced_norm(A))
    eig = np.linalg.eigvals(A)
    max_re = float(eig.real.max())
    clusters = eigenvalue_clusters(eig, cluster_tol * scale)
    centres = [complex(np.mean(eig[idx])) for idx in clusters]
    growing = max((c for c in centres if c.real > axis_tol * scale), key=lambda c: c.real, default=None)
    axis, worst = 0, 0.0
    for idx, centre in zip(clusters, centres):
        if abs(centre.real) <= axis_tol * scale:
            axis += len(idx)
            # the Schur test only matters when nothing grows exponentially
            if len(idx) > 1 and growing is None:
                worst = max(worst, _nilpotent_part(A, centre, len(idx), 2 * cluster_tol * scale) / scale)
    if growing is not None:
        kind, reason = "unstable", f"eigenvalue(s) near {growing:.3g} with Re > {axis_tol:.1g}·{scale:.3g}"
    elif axis == 0:
        kind, reason = "asymptotically_stable", "all eigenvalues have Re λ < 0"
    elif worst > jordan_tol:
        kind, reason = "marginal_jordan", (f"{axis} eigenvalue(s) on the imaginary axis, one cluster defective "
                                           f"(Jordan block, nilpotent part {worst:.3g}): secular growth")
    else:
        kind, reason = "neutrally_stable", f"{axis} eigenvalue(s) on the imaginary axis, all semisimple"
    return TangentStability(kind, eig, max_re, axis, worst, reason)
