"""A user's model: the central spin model of Fowler-Wright et al. with satellite dephasing.

    H = (ω/2) σ0^z + Σ_n [ (ε/2) σn^z + g (σ0^+ σn^- + σ0^- σn^+) ]
    dρ/dt = −i[H, ρ] + κ D[σ0^-]ρ + Σ_n ( Γ↑ D[σn^+]ρ + Γ↓ D[σn^-]ρ + (γ_φ/2) D[σn^z]ρ )

with D[x]ρ = xρx† − {x†x, ρ}/2, so each satellite coherence decays at (Γ↑ + Γ↓)/2 + γ_φ. The model is the
built-in central spin with one more jump and one more parameter, solved by the cumulant engine (its
U(1) symmetry is kept: σ^z has no charge). Run it with

    cumex solve examples/central_spin_dephasing.py:MODEL --order 3 --N 20 --set gamma_phi=0.5 --out x.nc

or in a study with ``model: examples/central_spin_dephasing.py:MODEL``.
"""

from dataclasses import replace
from fractions import Fraction

from cumex.models import Quantity
from cumex.models.central_spin import MODEL as CENTRAL_SPIN
from cumex.models.central_spin_operators import CENTRAL_SPIN as OPERATORS
from cumex.operators.many_to_one import Jump

# D[σ^z] at rate γ_φ/2 dephases a coherence at γ_φ: the jump's rate parameter is gamma_phi_half
_OPERATORS = replace(
    OPERATORS,
    name="central_spin_dephasing",
    parameters=OPERATORS.parameters + ("gamma_phi_half",),
    jumps=OPERATORS.jumps + (Jump("gamma_phi_half", "satellite", "Z"),),
)


def _concrete(p):
    return {**CENTRAL_SPIN.concrete(p), "gamma_phi_half": Fraction(1, 2) * p["gamma_phi"]}


MODEL = replace(
    CENTRAL_SPIN,
    name="central_spin_dephasing",
    title="central spin model with satellite dephasing (a user model)",
    description=__doc__,
    parameters=CENTRAL_SPIN.parameters + (Quantity("gamma_phi", 0.5, "satellite dephasing rate gamma_phi", units="omega", minimum=0.0),),
    concrete=lambda p: {k: float(v) for k, v in _concrete(p).items()},
    concrete_parameters=CENTRAL_SPIN.concrete_parameters
    + (Quantity("gamma_phi_half", 0.25, "rate of D[sigma_n^z], gamma_phi / 2", units="omega"),),
    engines={"cumulant": "cumex.engines:CUMULANTS"},
    operators=_OPERATORS,
)
