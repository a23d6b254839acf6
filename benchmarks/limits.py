"""Benchmark of the N → ∞ Jaynes–Cummings limits (cumex.limits): steady state and dynamics (t ∈ [0, 4], 801 times).

Side by side in one run: the engine's Krylov propagator against SciPy's expm_multiply at the same cutoff
(and their largest difference in ⟨τ^z⟩), and, for the Fowler-Wright model, the finite-N exact steady state at
N = 800 (the alternative that the limit replaces) with its distance from the limit.

    python benchmarks/limits.py [--repeat 3]

Times are the best of ``--repeat`` runs, wall clock and (in brackets) the CPU time of that run: on a shared
machine the CPU time is the cost, the wall clock what a user waits (one BLAS thread throughout).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from cumex.exact.solver import solve
from cumex.exact.threads import blas_threads
from cumex.limits import evolve_limit, fock, limit_model, solve_limit
from cumex.models.central_spin import resolve_parameters

#: (model, params, initial central state, run the dynamics?) — near pump ratio 1/2 the boson's rates
#: Γ/|p| and its occupation diverge (n_fock ~ 140 at 0.55): steady state only (dynamics there takes minutes).
CASES = [
    ("driven_central_spin", {}, "up", True),
    ("central_spin", {"pump_ratio": 0.25}, "down", True),
    ("central_spin", {"pump_ratio": 0.75}, "down", True),
    ("central_spin", {"pump_ratio": 0.55}, "down", False),
]


def _best(fn, repeat: int):
    """(best wall-clock seconds, CPU seconds of that run, result)."""
    best, cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall = time.perf_counter() - t0
        if wall < best:
            best, cpu = wall, time.process_time() - c0
    return best, cpu, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    times = np.linspace(0.0, 4.0, 801)
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    head = (f"{'model':<22}{'params':<18}{'n_fock':>7}{'trunc.':>9}{'steady s (cpu)':>16}{'dyn n_fock':>11}"
            f"{'dyn krylov s (cpu)':>20}{'expm_mult s':>12}{'max|dz|':>10}")
    print(head)
    print("-" * len(head))
    for name, params, initial, dynamics in CASES:
        t_ss, c_ss, res = _best(lambda: solve_limit(name, "fixed_g_sqrtN", params), args.repeat)
        ss = f"{t_ss:.3f} ({c_ss:.3f})"
        label = ",".join(f"{k}={v}" for k, v in params.items()) or "Fig. 2"
        if not dynamics:
            print(f"{name:<22}{label:<18}{int(res.physical.info['n_fock']):>7}"
                  f"{res.physical.info['truncation_weight']:>9.1e}{ss:>16}{'-':>11}{'-':>20}{'-':>12}{'-':>10}")
            continue
        t_dyn, c_dyn, (_, obs) = _best(lambda: evolve_limit(name, "fixed_g_sqrtN", params, times, initial),
                                       args.repeat)
        dyn = f"{t_dyn:.3f} ({c_dyn:.3f})"
        n = int(obs["n_fock"][0])
        model = limit_model(name, "fixed_g_sqrtN", params)
        L = fock.liouvillian(model, n)
        central = np.diag([0.0, 1.0] if initial == "up" else [1.0, 0.0])
        v0 = fock.product_state(central, fock.thermal_boson(n, model.thermal_occupation))
        with blas_threads(1):
            t_em, _, V = _best(lambda: fock.evolve_vectors_expm_multiply(L, v0, times), 1)
        z = np.array([np.trace(np.kron(np.diag([-1.0, 1.0]), np.eye(n)) @ v.reshape(2 * n, 2 * n)).real for v in V])
        dz = np.abs(z - obs["sz_central"]).max()
        print(f"{name:<22}{label:<18}{int(res.physical.info['n_fock']):>7}{res.physical.info['truncation_weight']:>9.1e}"
              f"{ss:>16}{n:>11}{dyn:>20}{t_em:>12.3f}{dz:>10.1e}")
    print()
    print("finite-N alternative (Fowler-Wright, exact steady state, cumex.exact):")
    for r in (0.25, 0.75):
        lim = solve_limit("central_spin", "fixed_g_sqrtN", {"pump_ratio": r}).physical.observables["central_population"]
        t_ex, _, ex = _best(lambda: solve(resolve_parameters(800, "fixed_g_sqrtN", r), {}), 1)
        p0 = ex.physical.observables["central_population"]
        print(f"  pump_ratio={r}: N = 800 exact {t_ex:.3f} s, p0 = {p0:.8f}; limit p0 = {lim:.8f}; "
              f"difference {abs(p0 - lim):.2e} (~1/N)")


if __name__ == "__main__":
    main()
