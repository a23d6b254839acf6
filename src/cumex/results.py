"""What every method returns for one grid point, independent of how it was computed.

Observables of the central spin model (n ≠ m label satellites; by permutation symmetry any pair):

    central_population          p0↑ = (1 + ⟨σ0^z⟩)/2
    sz_central                  ⟨σ0^z⟩
    sz_satellite                ⟨σn^z⟩
    corr_central_satellite_re   Re ⟨σ0^+ σn^-⟩
    corr_central_satellite_im   Im ⟨σ0^+ σn^-⟩
    corr_satellite_satellite    ⟨σn^+ σm^-⟩   (real by permutation symmetry)

Mean-field has no connected correlations: there the correlations are products of first moments,
⟨σ0^+⟩⟨σn^-⟩ and |⟨σn^+⟩|².
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["OBSERVABLES", "SteadyState", "MethodResult"]

#: name -> (long_name, units) for every central-spin observable.
OBSERVABLES: dict[str, tuple[str, str]] = {
    "central_population": ("central spin excited-state population (1 + <sigma_0^z>)/2", "1"),
    "sz_central": ("central spin polarisation <sigma_0^z>", "1"),
    "sz_satellite": ("satellite polarisation <sigma_n^z>", "1"),
    "corr_central_satellite_re": ("Re <sigma_0^+ sigma_n^->", "1"),
    "corr_central_satellite_im": ("Im <sigma_0^+ sigma_n^->", "1"),
    "corr_satellite_satellite": ("<sigma_n^+ sigma_m^-> for n != m", "1"),
}


@dataclass
class SteadyState:
    """One steady state: its observables, linear stability and the residual of the steady equations."""

    observables: dict[str, float]
    stable: bool
    residual: float
    #: e.g. {"max_real_eigenvalue": ..., "neutral_modes": 1, "frequency": ν}
    info: dict[str, float] = field(default_factory=dict)


@dataclass
class MethodResult:
    """Every steady state found at one grid point, and the physical one.

    ``physical`` is the state reached at long times from the fixed initial state (central spin down,
    satellites at their uncoupled steady state, a small symmetry-breaking seed where needed); it is
    None when the method failed, and then ``converged`` is False and ``status`` says why.
    """

    states: list[SteadyState]
    physical: SteadyState | None
    converged: bool
    status: str
    settings: dict[str, object] = field(default_factory=dict)

    @property
    def n_steady_states(self) -> int:
        return len(self.states)

    @property
    def n_stable(self) -> int:
        return sum(s.stable for s in self.states)

    @property
    def residual(self) -> float:
        return float("nan") if self.physical is None else self.physical.residual
