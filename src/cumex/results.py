"""What every method returns for one grid point, independent of model and engine.

A :class:`MethodResult` holds every steady state found (:class:`SteadyState`: observables by the model's
names, linear stability, residual), the *physical* one (reached at long times from the model's fixed
initial state), whether the solve succeeded, a status and the attractor the physical trajectory
reaches. :mod:`cumex.dataset` lays it out as a dataset of the one schema every model shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ATTRACTORS", "STATUS_CODES", "SteadyState", "MethodResult", "status_code"]

#: what the trajectory from the fixed initial state reaches ("none": the solve failed)
ATTRACTORS = ("fixed_point", "bistable", "limit_cycle", "irregular", "none")
#: short status codes; the text after "code: " is the detail
STATUS_CODES = ("ok", "inaccurate", "failed", "timeout", "error")


def status_code(status: str) -> str:
    """The short code of a status text ("inaccurate: residual ..." -> "inaccurate")."""
    head = str(status).split(":", 1)[0].strip().split(" ", 1)[0]
    return head if head in STATUS_CODES else ("ok" if head.startswith("ok") else "failed")


@dataclass
class SteadyState:
    """One steady state: its observables, linear stability and the residual of the steady equations."""

    observables: dict[str, float]
    stable: bool
    residual: float
    #: e.g. {"max_real_eigenvalue": ..., "neutral_modes": 1, "frequency": ν, "period": T}
    info: dict[str, float] = field(default_factory=dict)


@dataclass
class MethodResult:
    """Every steady state found at one grid point, and the physical one.

    ``physical`` is the state reached at long times from the fixed initial state; it is None when the
    method failed, and then ``converged`` is False and ``status`` says why. ``attractor`` is one of
    :data:`ATTRACTORS` ("" lets the dataset infer it: fixed_point when the physical state is stable).
    """

    states: list[SteadyState]
    physical: SteadyState | None
    converged: bool
    status: str
    settings: dict[str, object] = field(default_factory=dict)
    attractor: str = ""

    @property
    def n_steady_states(self) -> int:
        return len(self.states)

    @property
    def n_stable(self) -> int:
        return sum(s.stable for s in self.states)

    @property
    def residual(self) -> float:
        return float("nan") if self.physical is None else self.physical.residual

    @property
    def attractor_kind(self) -> str:
        if self.attractor:
            return self.attractor
        if self.physical is None:
            return "none"
        return "fixed_point" if self.physical.stable else "none"
