"""Benchmark of the cumulant engine (prints tables; nothing is asserted).

    python benchmarks/cumulants.py [--max-order 14] [--max-broken-order 8] [--skip-large-n] [--skip-tc]

1. derivation: moments, real unknowns, closure moments, derivation (wall and CPU time: the machine is
   shared, CPU time is the fairer number) and compile time, U(1) orders 1..max-order and broken orders
   1..max-broken-order; beside it the derivation with the reference closure (explicit sum over set
   partitions, the method before the memoised recursion) where that takes less than about a minute
2. cache: time to load a compiled system from its .npz file (fresh in-process memo)
3. N = 10^6 (fixed κ/N = 1/16, g = 3/4, r = 0.75): the branch through the physical state at N = 10 followed
   by Newton continuation in log N; residual, p0↑ and stability at 10^6, largest jump of p0↑ between
   neighbouring grid points (smoothness), and the N where the branch ends (fold) if it does
4. time per steady state (``solve_order``: multi-start + stability + physical state) at N = 150, beside the
   exact solver's time (orders above those ``cumex.methods`` admits are bound and analysed directly)
5. Tavis–Cummings at the Fig. 3b parameters (g√N = 0.9, ε = ω = κ = 1, Γ_T = 1/2, pump ratio 3/4):
   ⟨a†a⟩/N per order and N, with the time per point
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

import cumex.cumulants.system as system_module
from cumex.cumulants.bind import bind
from cumex.cumulants.cache import compiled_system, get_model, load_compiled, write_compiled
from cumex.cumulants.closure import closure_by_partitions
from cumex.cumulants.compile import compile_system
from cumex.cumulants.continuation import follow_branch
from cumex.cumulants.solver import central_spin_system, parse_order, solve_model_order, solve_order
from cumex.cumulants.system import derive_system
from cumex.errors import CumexInputError
from cumex.models.central_spin import resolve_parameters
from cumex.steady import analyse, find_steady_states

#: (order, variant) pairs whose partition-sum derivation takes under about a minute of CPU
_REFERENCE = {(M, "u1") for M in range(1, 10)} | {(M, "broken") for M in range(1, 8)}


def _derive_timed(model, order: int, variant: str, reference: bool = False):
    saved = system_module.closure
    if reference:
        system_module.closure = closure_by_partitions
    try:
        t0, c0 = time.perf_counter(), time.process_time()
        system = derive_system(model, order, variant)
        return system, time.perf_counter() - t0, time.process_time() - c0
    finally:
        system_module.closure = saved


def derivation_table(max_order: int, max_broken: int, folder: Path) -> None:
    print("\n## derivation (central_spin); times in s, wall / CPU")
    print(
        f"{'order':>5} {'variant':>7} {'moments':>8} {'real':>6} {'closures':>9} {'derive':>15} "
        f"{'partition-sum derive':>21} {'compile':>8} {'load':>6}"
    )
    model = get_model("central_spin")
    for order in range(1, max_order + 1):
        for variant in ("u1", "broken"):
            if (order == 1 and variant == "u1") or (variant == "broken" and order > max_broken):
                continue  # U(1) order 1 is trivial: mean field is always run symmetry-broken
            system, wall, cpu = _derive_timed(model, order, variant)
            ref = "-"
            if (order, variant) in _REFERENCE:
                ref_system, rwall, rcpu = _derive_timed(model, order, variant, reference=True)
                same = ref_system.equations == system.equations and ref_system.closures == system.closures
                ref = f"{rwall:.2f} / {rcpu:.2f}" + ("" if same else " DIFFERENT")
            t2 = time.perf_counter()
            compile_system(system)
            t3 = time.perf_counter()
            t4 = t5 = float("nan")  # the cache holds orders up to 12 (the engine's limit for solving)
            if order <= 12:
                path = write_compiled(folder / f"o{order}{variant}.npz", "central_spin", order, variant)
                t4 = time.perf_counter()
                load_compiled(path)
                t5 = time.perf_counter()
            print(
                f"{order:>5} {variant:>7} {system.n_equations:>8} {system.n_real:>6} {len(system.closures):>9} "
                f"{f'{wall:.2f} / {cpu:.2f}':>15} {ref:>21} {t3 - t2:>8.3f} {t5 - t4:>6.3f}",
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
        try:
            parse_order(order)
            solve = lambda: solve_order(order, p, {})  # noqa: E731
        except CumexInputError:  # beyond cumex.methods' orders: bind and analyse directly
            M, variant = int(order.split("_")[0]), "broken" if order.endswith("_broken") else "u1"
            spin = get_model("central_spin")
            solve = lambda: analyse(bind(compiled_system("central_spin", M, variant), p.as_dict(), spin.initial_sites), {})  # noqa: E731
        solve()  # warm the compiled-system memo: time the solve, not the derivation
        t0 = time.perf_counter()
        r = solve()
        dt = time.perf_counter() - t0
        pop = r.physical.observables["central_population"] if r.physical else float("nan")
        print(f"{order:>9} {pop:>10.6f} {dt:>8.3f} s   {r.n_steady_states} states, {r.n_stable} stable", flush=True)


def fig3b_values(N: int) -> dict[str, float]:
    return dict(omega=1.0, epsilon=1.0, g=0.9 / np.sqrt(N), kappa=1.0, gamma_up=0.375, gamma_down=0.125, N=float(N))


def tavis_cummings_table(orders: list[str], Ns: list[int]) -> None:
    print("\n## Tavis–Cummings, Fig. 3b parameters: <a†a>/N of the physical state (s per point); '-' = no stable state")
    try:
        from cumex.exact import tavis_cummings as exact_tc  # built by another helper; optional here
    except ImportError:
        exact_tc = None
    print(f"{'N':>5} " + " ".join(f"{o:>17}" for o in orders) + f" {'exact':>17}")
    for N in Ns:
        cells = []
        for order in orders:
            t0 = time.perf_counter()
            r = solve_model_order("tavis_cummings", order, fig3b_values(N), {})
            dt = time.perf_counter() - t0
            ok = r.physical is not None and r.physical.stable
            value = f"{r.physical.observables['photon_number_per_N']:.6f}" if ok else "-"
            cells.append(f"{value:>9} ({dt:5.2f})")
        exact = "(not available)"
        if exact_tc is not None and hasattr(exact_tc, "solve"):
            t0 = time.perf_counter()
            e = exact_tc.solve(fig3b_values(N), {})
            exact = f"{e.physical.observables['photon_number_per_N']:.6f} ({time.perf_counter() - t0:5.2f})"
        print(f"{N:>5} " + " ".join(f"{c:>17}" for c in cells) + f" {exact:>17}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-order", type=int, default=14)
    ap.add_argument("--max-broken-order", type=int, default=8)
    ap.add_argument("--skip-large-n", action="store_true")
    ap.add_argument("--skip-tc", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        derivation_table(args.max_order, args.max_broken_order, Path(tmp))
    orders = ["1", "2", "3", "4", "5", "6"]
    n150_table(orders + ["8", "10", "12", "3_broken"])
    if not args.skip_tc:
        tavis_cummings_table(["1", "2", "3", "4", "5"], [1, 2, 5, 10, 20, 50, 100, 120, 200])
    if not args.skip_large_n:
        large_n_table(orders)


if __name__ == "__main__":
    main()
