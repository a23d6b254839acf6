"""Benchmark of the cumulant engine (prints tables; nothing is asserted).

    python benchmarks/cumulants.py [--max-order 8] [--skip-large-n]

1. derivation: moments, real unknowns, closure moments, derivation and compile time, orders 1..max, both variants
2. cache: time to load a compiled system from its .npz file (fresh in-process memo)
3. N = 10^6 (fixed κ/N = 1/16, g = 3/4, r = 0.75): the branch through the physical state at N = 10 followed
   by Newton continuation in log N; residual, p0↑ and stability at 10^6, largest jump of p0↑ between
   neighbouring grid points (smoothness), and the N where the branch ends (fold) if it does
4. time per steady state (``solve_order``: multi-start + stability + physical state) at N = 150, beside the
   exact solver's time
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from cumex.cumulants.cache import derive, load_compiled, write_compiled
from cumex.cumulants.compile import compile_system
from cumex.cumulants.continuation import follow_branch
from cumex.cumulants.solver import central_spin_system, solve_order
from cumex.models.central_spin import resolve_parameters
from cumex.steady import find_steady_states


def derivation_table(max_order: int, folder: Path) -> None:
    print("\n## derivation (central_spin)")
    print(f"{'order':>5} {'variant':>7} {'moments':>8} {'real':>6} {'closures':>9} {'derive s':>9} {'compile s':>10} {'load s':>7}")
    for order in range(1, max_order + 1):
        for variant in ("u1", "broken"):
            if order == 1 and variant == "u1":
                continue  # trivial: mean field is always run symmetry-broken
            t0 = time.perf_counter()
            system = derive("central_spin", order, variant)
            t1 = time.perf_counter()
            compile_system(system)
            t2 = time.perf_counter()
            path = write_compiled(folder / f"o{order}{variant}.npz", "central_spin", order, variant)
            t3 = time.perf_counter()
            load_compiled(path)
            t4 = time.perf_counter()
            print(
                f"{order:>5} {variant:>7} {system.n_equations:>8} {system.n_real:>6} {len(system.closures):>9} "
                f"{t1 - t0:>9.3f} {t2 - t1:>10.3f} {t4 - t3:>7.3f}",
                flush=True,
            )


def large_n_table(orders: list[str]) -> None:
    print("\n## N = 10^6 by continuation in log N from the physical state at N = 10 (8 points per decade)")
    print(f"{'order':>9} {'p0 at 1e6':>11} {'residual':>9} {'stable':>7} {'max |dp| step':>14} {'branch ends':>12} {'seconds':>8}")
    base = resolve_parameters(10, "fixed_kappa_over_N", 0.75)
    Ns = np.logspace(1, 6, 41)
    for order in orders:
        t0 = time.perf_counter()
        at = lambda N, o=order: central_spin_system(o, replace(base, N=N, kappa=base.kappa / 10 * N))  # noqa: E731
        first = find_steady_states(at(10), settings={})
        points = follow_branch(at, Ns, first.physical.x)
        ends = "-"
        if points[-1] is None:
            # the branch ended (fold): restart from the multi-start fixed point nearest in p0↑ at the first
            # unreachable N and follow that branch on to 10^6
            k = next(i for i, pt in enumerate(points) if pt is None)
            ends = f"{Ns[k]:.0f}"
            last_p = points[k - 1].observables["central_population"]
            found = find_steady_states(at(Ns[k]), settings={"n_random": 16}, find_physical=False)
            sys_k = at(Ns[k])
            nearest = min(found.fixed_points, key=lambda fp: abs(sys_k.observables(fp.x)["central_population"] - last_p))
            points = points[:k] + follow_branch(at, Ns[k:], nearest.x)
        ok = [(N, pt) for N, pt in zip(Ns, points) if pt is not None]
        pops = [pt.observables["central_population"] for _, pt in ok]
        jump = float(np.max(np.abs(np.diff(pops)))) if len(pops) > 1 else float("nan")
        last_N, last = ok[-1]
        label = f"{last.observables['central_population']:.6f}" if last_N == Ns[-1] else f"(N={last_N:.0f})"
        print(
            f"{order:>9} {label:>11} {last.residual:>9.1e} {str(last.stable):>7} {jump:>14.2e} {ends:>12} "
            f"{time.perf_counter() - t0:>8.1f}",
            flush=True,
        )
    print("(branch ends: N where the branch from N = 10 meets a fold; continued from the nearest fixed point there)")


def n150_table(orders: list[str]) -> None:
    print("\n## one grid point at N = 150 (fixed κ/N, r = 0.75): solve_order vs exact")
    p = resolve_parameters(150, "fixed_kappa_over_N", 0.75)
    try:
        from cumex.exact.solver import solve as exact_solve

        t0 = time.perf_counter()
        exact = exact_solve(p, {})
        t_exact = time.perf_counter() - t0
        p_exact = exact.physical.observables["central_population"]
        print(f"{'exact':>9} {p_exact:>10.6f} {t_exact:>8.3f} s")
    except ImportError:
        print(f"{'exact':>9} {'(cumex.exact.solver not available)':>30}")
    for order in orders:
        solve_order(order, p, {})  # warm the compiled-system memo: time the solve, not the derivation
        t0 = time.perf_counter()
        r = solve_order(order, p, {})
        dt = time.perf_counter() - t0
        pop = r.physical.observables["central_population"] if r.physical else float("nan")
        print(f"{order:>9} {pop:>10.6f} {dt:>8.3f} s   {r.n_steady_states} states, {r.n_stable} stable", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-order", type=int, default=8)
    ap.add_argument("--skip-large-n", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        derivation_table(args.max_order, Path(tmp))
    orders = ["1", "2", "3", "4", "5", "6"]
    n150_table(orders + ["3_broken"])
    if not args.skip_large_n:
        large_n_table(orders)


if __name__ == "__main__":
    main()
