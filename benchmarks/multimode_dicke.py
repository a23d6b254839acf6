"""Multimode Dicke pattern retrieval (Carollo & Lesanovsky 2021, Fig. 3a/3b range): g_crit per pattern and,
over g0, the stationary overlaps, the fixed-point counts and what they cost, with the alternatives side by side.

Table 1, per pattern μ: g_crit from the closed form (eq. 10-12) beside the g0 where the normal state's
pattern-μ sector goes unstable (brentq on its largest growth rate), and their difference.

Table 2, per g0: the stationary |ξ_μ| from the aligned starts (gauge-reduced mapping) and the largest
deviation from eq. 12; the same trajectories with the ungauged mapping (2^M groups) and their largest
difference; seconds for each; the number of fixed points found (gauge-reduced, every sign pattern) with
the number of each kind (asymptotic / neutral / Jordan / unstable); the count with and without the
two-pattern mixture starts, and the seconds of each search.

    python benchmarks/multimode_dicke.py                      # M = 4, g0 = 0.4, 0.5, ..., 1.5
    python benchmarks/multimode_dicke.py --g0 0.6 1.0 --no-mixture-column

Times are wall-clock on whatever else the machine is doing. Measured 2026-12-02, 2 cores, load 7-15
(--no-mixture-column): closed and numerical g_crit agree to ≤ 4.4e-16; |ξ_μ| deviates from eq. 12 by
≤ 5e-14 and the two mappings by ≤ 5e-14; aligned trajectories 1-3 s per g0 and mapping; counts
256 (g0 ≤ 0.6, 1 stable), 326 (0.7, 2), 524 (0.8, 4), 776 (0.9, 4), 1020 (1.0, 6), 1080-1730 (1.1-1.5, 8),
no state asymptotically stable, 25-75 s per counting solve.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.optimize import brentq

from cumex.meanfield.multimode_dicke import solve_multimode_dicke
from cumex.meanfield.multimode_dicke_equations import MultimodeDickeEquations
from cumex.meanfield.multimode_dicke_model import g_crit, resolve_parameters

__all__ = ["main"]


def _sector_growth(g0: float, nu: int, base: dict) -> float:
    eq = MultimodeDickeEquations(resolve_parameters({**base, "g0": g0}))
    P = np.zeros((eq.n, 4))
    P[1 : 3 * eq.G : 3, 0] = P[2 : 3 * eq.G : 3, 1] = eq.f[nu] / np.sqrt(eq.G)
    P[3 * eq.G + 2 * nu, 2] = P[3 * eq.G + 2 * nu + 1, 3] = 1.0
    normal = eq.join(np.tile([-1.0, 0.0, 0.0], (eq.G, 1)), np.zeros(eq.M))
    return float(np.linalg.eigvals(P.T @ eq.jacobian(normal) @ P).real.max())


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--M", type=int, default=4)
    ap.add_argument("--g0", type=float, nargs="*", default=list(np.round(np.arange(0.4, 1.5001, 0.1), 10)))
    ap.add_argument("--no-mixture-column", action="store_true", help="skip the count without mixture starts")
    args = ap.parse_args(argv)
    base = {"M": args.M}
    gc = g_crit(resolve_parameters(base))
    print(f"M = {args.M}, Omega = 0.5, Omega_mu = Omega (mu + 2), kappa = 1\n")
    print(f"{'mu':>3} {'g_crit closed':>14} {'g_crit numeric':>15} {'|diff|':>9}")
    for nu in range(args.M):
        num = brentq(_sector_growth, 0.2, 3.0, args=(nu, base), xtol=1e-13)
        print(f"{nu + 1:>3} {gc[nu]:>14.10f} {num:>15.10f} {abs(num - gc[nu]):>9.1e}")
    print()
    head = (f"{'g0':>5} {'|xi_mu| (reduced)':>31} {'dev eq12':>9} {'s':>5} {'ungauged diff':>13} {'s':>5}"
            f" {'n_fp':>5} {'stable':>6} {'asy/neu/jor/uns':>16} {'s':>6}")
    if not args.no_mixture_column:
        head += f" {'n_fp no-mix':>11} {'s':>6}"
    print(head)
    for g0 in args.g0:
        t0 = time.perf_counter()
        red = solve_multimode_dicke({**base, "g0": g0}, {"count_fixed_points": False})
        t1 = time.perf_counter()
        ung = solve_multimode_dicke({**base, "g0": g0}, {"count_fixed_points": False, "mapping": "ungauged"})
        t2 = time.perf_counter()
        cnt = solve_multimode_dicke({**base, "g0": g0}, {"n_random": 64})
        t3 = time.perf_counter()
        k = cnt.n_by_kind
        kinds = f"{k['asymptotically_stable']}/{k['neutrally_stable']}/{k['marginal_jordan']}/{k['unstable']}"
        ov = " ".join(f"{v:.5f}" for v in red.overlap)
        line = (f"{g0:>5.2f} {ov:>31} {np.abs(red.overlap - red.overlap_closed_form).max():>9.1e} {t1 - t0:>5.1f}"
                f" {np.abs(red.overlap - ung.overlap).max():>13.1e} {t2 - t1:>5.1f}"
                f" {cnt.n_steady_states:>5} {cnt.n_stable:>6} {kinds:>16} {t3 - t2:>6.1f}")
        if not args.no_mixture_column:
            t4 = time.perf_counter()
            nomix = solve_multimode_dicke({**base, "g0": g0}, {"n_random": 64, "mixture_starts": False})
            line += f" {nomix.n_steady_states:>11} {time.perf_counter() - t4:>6.1f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
