"""A many-to-one open spin model as data: what the cumulant engine reads.

One central spin-1/2 (site 0) and N identical spin-1/2 satellites. The model is

    H = Σ_t  c_t · h_t(0) ⊗ Σ_n s_t(n)        (a term with s_t = I acts on the central site only)
    dρ/dt = -i[H, ρ] + Σ_j γ_j Σ_{sites of j} D[L_j]ρ,   D[x]ρ = xρx† - {x†x, ρ}/2,

with c_t an exact polynomial in the parameters and N, h_t and s_t Pauli labels (``operators``), and
each jump L_j a single-site Pauli label acting on the central site or on every satellite individually
with rate γ_j (a parameter name). The engine knows nothing more about a model than this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from cumex.cumulants.operators import CHARGE, LABELS
from cumex.cumulants.polynomial import Poly

__all__ = ["HamiltonianTerm", "Jump", "Observable", "ManyToOneModel"]


@dataclass(frozen=True)
class HamiltonianTerm:
    """coefficient · central ⊗ Σ_n satellite(n); ``satellite == "I"`` means a central-only term and
    ``central == "I"`` a sum of single-satellite terms."""

    coefficient: Poly
    central: str
    satellite: str

    def __post_init__(self) -> None:
        if self.central not in LABELS or self.satellite not in LABELS:
            raise ValueError(f"Pauli labels must be in {LABELS}")


@dataclass(frozen=True)
class Jump:
    """Jump operator ``operator`` with rate parameter ``rate`` on the central site or each satellite."""

    rate: str
    site: str  # "central" or "satellite"
    operator: str

    def __post_init__(self) -> None:
        if self.site not in {"central", "satellite"} or self.operator not in LABELS:
            raise ValueError("site must be 'central' or 'satellite' and operator a Pauli label")


@dataclass(frozen=True)
class Observable:
    """An expectation value ⟨central ⊗ satellites on distinct satellites⟩, its real or imaginary part,
    optionally mapped affinely: value = offset + scale · part."""

    central: str
    satellites: tuple[str, ...]
    part: str = "re"
    scale: float = 1.0
    offset: float = 0.0


@dataclass(frozen=True)
class ManyToOneModel:
    name: str
    #: parameter names the coefficients and rates use (N is always available as well)
    parameters: tuple[str, ...]
    hamiltonian: tuple[HamiltonianTerm, ...]
    jumps: tuple[Jump, ...]
    observables: Mapping[str, Observable] = field(default_factory=dict)
    #: parameters -> single-site expectation values {"Z": ⟨σz⟩, "P": ⟨σ+⟩} of the central site and a
    #: satellite in the product initial state; the engine adds the symmetry-breaking seed itself
    initial_sites: Callable[[Mapping[str, float]], tuple[dict[str, complex], dict[str, complex]]] | None = None

    def u1_violations(self) -> list[str]:
        """Terms that break the U(1) symmetry σ^± → e^{±iθ} σ^± (empty if the model has it).

        H must commute with the total charge (every term has charge 0); a jump operator of definite
        charge q leaves D[L] invariant, and single Pauli labels always have definite charge.
        """
        bad = []
        for t in self.hamiltonian:
            if CHARGE[t.central] + CHARGE[t.satellite] != 0:
                bad.append(f"H term {t.central}⊗{t.satellite} has charge {CHARGE[t.central] + CHARGE[t.satellite]}")
        return bad
