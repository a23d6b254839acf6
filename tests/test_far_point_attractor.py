"""A single point far out (order 5, N = 10^6, fixed κ/N): its starts find no steady state, the branch
continued in N from N0 = 1000 passes a fold and ends unstable (a complex pair with Re λ > 0), and the
order-5 equations from there reach a limit cycle (cumex.cumulants.solver.continued_in_N). Independent
check: the same equations integrated again from the other side of the unstable state (opposite kick),
at another tolerance, reach a cycle of the same period and the same time averages."""

from __future__ import annotations

import numpy as np
import pytest

from cumex.cumulants.solver import continuation_path, model_system, solve_order
from cumex.models import get_model
from cumex.steady import attractors, find_steady_states
from cumex.steady.fallback import leading_mode


@pytest.mark.slow
def test_order5_at_a_million_reports_the_limit_cycle_its_equations_reach():
    values = dict(get_model("central_spin").resolve("fixed_kappa_over_N", {"N": 1_000_000}, None))
    result = solve_order("5", values, {})
    assert result.converged and result.status.startswith("ok: limit_cycle"), result.status
    assert result.attractor == "limit_cycle"
    period = result.physical.info["period"]
    assert np.isfinite(period) and period > 0
    p0 = result.physical.observables["central_population"]
    assert 0.0 <= p0 <= 1.0
    assert result.settings["continued_from_N"] == 1000
    # independent run: continue the branch again, kick the other way, integrate at rtol 1e-7
    from cumex.cumulants.solver import _follow_past_folds

    at = continuation_path(values)
    start = find_steady_states(model_system("central_spin", "5", at(1000.0), {}), settings={}).physical.x
    last, folds = _follow_past_folds("central_spin", "5", at, np.logspace(3, 6, 25), start, {})
    system = model_system("central_spin", "5", values, {})
    lam, v, _ = leading_mode(system, last.x, 0.0)
    assert lam.real > 0 and lam.imag != 0
    d = np.real(v) / np.linalg.norm(np.real(v))
    x0 = last.x - 1e-3 * max(1.0, float(np.linalg.norm(last.x))) * d
    cfg = {"dt": period / 100, "t_window": 40 * period, "t_transient": 60 * period, "t_max": 400 * period,
           "rtol": 1e-7, "atol": 1e-9}
    other = attractors.follow(system, x0, cfg, method="Radau")
    assert other.kind == "limit_cycle", other.message
    assert other.period == pytest.approx(period, rel=1e-2)
    assert other.averages["central_population"] == pytest.approx(p0, abs=2e-3)
