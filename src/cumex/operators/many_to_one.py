"""A many-to-one open model as data: what the cumulant engine reads.

One central site (site 0: a spin-1/2, or a bosonic mode when ``central == "boson"``) and N identical
spin-1/2 satellites. The model is

    H = Σ_t  c_t · h_t(0) ⊗ Σ_n s_t(n)        (a term with s_t = I acts on the central site only)
    dρ/dt = -i[H, ρ] + Σ_j γ_j Σ_{sites of j} D[L_j]ρ,   D[x]ρ = xρx† - {x†x, ρ}/2,

with c_t an exact polynomial in the parameters and N, s_t Pauli labels (``operators``), h_t a Pauli label
or, for a mode, a normal-ordered a†^p a^q (label ``"A"*p + "a"*q``, :mod:`.boson`), and each jump L_j a
single-site label acting on the central site or on every satellite individually with rate γ_j (a
parameter name). The engine knows nothing more about a model than this.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from cumex.operators.boson import is_boson
from cumex.operators.labels import LABELS, is_label, label_charge
from cumex.operators.polynomial import Poly

__all__ = ["HamiltonianTerm", "Jump", "Observable", "ManyToOneModel"]


@dataclass(frozen=True)
class HamiltonianTerm:
    """coefficient · central ⊗ Σ_n satellite(n); ``satellite == "I"`` means a central-only term and
    ``central == "I"`` a sum of single-satellite terms."""

    coefficient: Poly
    central: str
    satellite: str

    def __post_init__(self) -> None:
        if not is_label(self.central) or self.satellite not in LABELS:
            raise ValueError(f"central label must be a Pauli or a†^p a^q label, satellite label in {LABELS}")


@dataclass(frozen=True)
class Jump:
    """Jump operator ``operator`` with rate parameter ``rate`` on the central site or each satellite."""

    rate: str
    site: str  # "central" or "satellite"
    operator: str

    def __post_init__(self) -> None:
        ok = self.operator in LABELS or (self.site == "central" and is_boson(self.operator))
        if self.site not in {"central", "satellite"} or not ok:
            raise ValueError("site must be 'central' or 'satellite' and operator a Pauli (or central a†^p a^q) label")


@dataclass(frozen=True)
class Observable:
    """An expectation value ⟨central ⊗ satellites on distinct satellites⟩ plus optional ``extra`` terms
    Σ c · Π⟨moment⟩ (each moment a (central, satellites) pair), its real or imaginary part, mapped
    affinely: value = offset + scale · N^n_power · part. Below ``min_order`` the value is NaN
    (e.g. a photon-number variance, which needs moments of order 4 to be more than the closure's guess)."""

    central: str
    satellites: tuple[str, ...]
    part: str = "re"
    scale: float = 1.0
    offset: float = 0.0
    n_power: int = 0
    extra: tuple[tuple[float, tuple[tuple[str, tuple[str, ...]], ...]], ...] = ()
    min_order: int = 1

    def moments(self) -> list[tuple[str, tuple[str, ...]]]:
        return [(self.central, tuple(self.satellites))] + [m for _, ms in self.extra for m in ms]


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
    #: "spin" (central spin-1/2; initial_sites' central dict holds "Z", "P") or "boson" (a mode; the
    #: central dict holds the coherent amplitude "a" = ⟨a⟩ of a product initial state)
    central: str = "spin"
    #: default symmetry-breaking seed of the broken variants (added to ⟨σ+⟩ of every spin site, or to ⟨a⟩)
    default_seed: float = 0.01

    def __post_init__(self) -> None:
        if self.central not in {"spin", "boson"}:
            raise ValueError("central must be 'spin' or 'boson'")
        labels = [t.central for t in self.hamiltonian] + [j.operator for j in self.jumps if j.site == "central"]
        labels += [o.central for o in self.observables.values()]
        wrong = [x for x in labels if x != "I" and is_boson(x) != (self.central == "boson")]
        if wrong:
            raise ValueError(f"central labels {wrong} do not belong to a {self.central} central site")

    def single_operator_labels(self) -> tuple[str, ...]:
        """Central labels of one operator (the first moments the derivation starts from)."""
        return ("A", "a") if self.central == "boson" else ("Z", "P", "M")

    def u1_violations(self) -> list[str]:
        """Terms that break the U(1) symmetry σ^± → e^{±iθ} σ^± (empty if the model has it).

        H must commute with the total charge (every term has charge 0); a jump operator of definite
        charge q leaves D[L] invariant, and single Pauli labels always have definite charge.
        """
        bad = []
        for t in self.hamiltonian:
            q = label_charge(t.central) + label_charge(t.satellite)
            if q != 0:
                bad.append(f"H term {t.central}⊗{t.satellite} has charge {q}")
        return bad
