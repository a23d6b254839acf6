"""Cost of the exact (U(1)-reduced) steady state against N: the coherence cutoff (default) beside the full-sector
solve (``exact_method="full"``) and QuTiP's piqs, all in the same run.

Each solve runs in a fresh process so that its peak resident memory (ru_maxrss) is its own. Columns:
N; for the coherence cutoff (the default, through ``cumex.exact.solver.solve``): real unknowns solved for in
the last attempt, final ladder cutoff K, truncated solves made, seconds to build (every attempt), seconds to
solve (ordering + LU + refinement, every attempt and pass), peak memory, residual ‖L w‖_∞ of the exact
generator (trace-1 state, bounded coordinates), p0↑, status (ok / inaccurate / unphysical); for the full-sector solve: its
unknowns, total seconds, peak memory, residual, its time over the cutoff's and |Δp0↑|; for piqs
(Dicke-basis Liouvillian of the satellites ⊗ central spin, ``qutip.steadystate``): seconds, peak memory,
its time over the cutoff's and |Δp0↑|.

    python benchmarks/exact_scaling.py --N 10 50 150 500 1000 2000 --full-N 150 500 1000 --piqs-N 4 8 12 16
    python benchmarks/exact_scaling.py --N 5000 --full-N --piqs-N --timeout 600      # one large point

A full-sector solve whose peak memory :func:`cumex.exact.memory.estimate_memory_bytes` puts above
``--max-gib`` (default 8) is not started ("est. … GiB"); the coherence cutoff gets ``exact_cutoff_max`` =
the largest K that fits (:func:`cumex.exact.memory.largest_cutoff_within`) and is reported "inaccurate" if it
needs more.

Times are wall-clock on whatever else the machine is doing; run it on a quiet machine for clean numbers.
Measured 2026-12-02 04:00–04:16 UTC with the windowed cutoff (2 shared cores, load 7–13; total seconds =
build + solve; peak MiB; all "ok" unless stated; full sector at N = 300: |Δp0↑| ≤ 1.1e-15; piqs at N = 8:
|Δp0↑| ≤ 1.1e-8, piqs's own tolerance):

    scaling             r     N=1000   4000    10000   20000        K       MiB at 20000
    fixed_g_sqrtN       0.3     1.2     1.7     2.8     4.4         17       475
    fixed_g_sqrtN       0.75    1.1     2.0     3.5     6.0         16       432
    fixed_g_sqrtN       0.95    0.4     0.7     1.3     1.5         12       273
    fixed_kappa_over_N  0.3     4.9    22.7    19.1    34.8         27–30    751
    fixed_kappa_over_N  0.75   12.1   127 (K = 120, "inaccurate": changes stall, see cumex.exact.steady)
    fixed_kappa_over_N  0.95   ~13 s at N = 1000 (K = 84, ok); N = 2000 "inaccurate" (conditioning)

Before the window (same machine, load 6–17): fixed_g_sqrtN 0.75 took 9/50/135/109 s at N = 1000…20000,
fixed_kappa_over_N 0.95 69 s at N = 1000. In the lasing regime at fixed κ/N (r ≳ 0.55) the basis itself is
ill-conditioned beyond N ≈ 1000–2000 (module docstring of :mod:`cumex.exact.steady`), so N = 10,000 there is
not reached: the solve says "inaccurate" instead.

The Dicke-basis route (``--dicke-N``; ``exact_method`` "dicke", the default "auto" above N = 4000) reaches it.
Measured 2026-12-02 14:58–15:12 UTC (2 shared cores, load 1.0–1.6, one thread), whole-process wall seconds and
peak RSS (/usr/bin/time) of ``steady_state_central_dicke`` at the Fig. 2 parameters, every point
window-converged (window error ≤ 6e-15), 2 windows each:

    scaling             r      N=10,000          N=20,000
    fixed_kappa_over_N  0.3    14 s  0.67 GB     18 s  0.83 GB
    fixed_kappa_over_N  0.75   59 s  2.7 GB     139 s  5.2 GB
    fixed_kappa_over_N  0.95   33 s  1.2 GB      53 s  2.2 GB
    fixed_g_sqrtN       0.3    15 s  0.66 GB     21 s  0.84 GB
    fixed_g_sqrtN       0.75   22 s  0.95 GB     34 s  1.4 GB
    fixed_g_sqrtN       0.95   11 s  0.36 GB     15 s  0.50 GB

Since the ladder's failures are predicted (:data:`cumex.exact.solver.AUTO_DICKE_COHERENCE`: mean field's
N|s|² ≥ 13.5), "auto" skips the failed ladder attempt there. ``cumex.exact.solver.solve`` with default
settings, fresh processes, 2026-12-02 18:20–18:40 UTC, load 0.5–1.5, fixed κ/N (wall s, peak RSS, estimate
of :func:`cumex.exact.memory.estimate_memory_bytes`):

    N     r      before (ladder, then its Dicke fallback)   now (Dicke route directly)   estimate
    2000  0.95   39 s   1.18 GB                              6.5 s  0.37 GB              0.41 GB
    2000  1.0    > 600 s (ladder timed out)                  0.6 s  0.19 GB              0.29 GB
    4000  0.75   68 s   1.17 GB                              28 s   1.15 GB              1.06 GB
    4000  0.95   140 s  4.9 GB                               12 s   0.56 GB              0.54 GB

(also now: N = 2000, r = 0.8: 9.9 s, 0.60 GB, estimate 0.61; N = 3000, r = 0.75: 15 s, 0.92 GB, estimate
0.86; N = 4000, r = 0.7: 30 s, 1.31 GB, estimate 1.14). Every one "ok".
Again at N = 10,000 after the generator's local jumps were vectorised (``cumex.exact.solver.solve``, default
"auto", fresh processes, 2026-12-02 18:27–18:31 UTC, load 0.6–0.95): solve seconds / whole process seconds /
peak RSS, every one "ok":

    fixed_kappa_over_N  r = 0.3: 4.6 / 8.1 s / 0.64 GB   0.75: 52.5 / 56.3 s / 2.65 GB   0.95: 22.0 / 26.1 s / 1.16 GB
    fixed_g_sqrtN       r = 0.3: 5.8 / 9.6 s / 0.64 GB   0.75: 11.8 / 15.7 s / 0.92 GB   0.95:  2.8 /  6.4 s / 0.35 GB

Of the slowest (κ/N, r = 0.75; cProfile): SuperLU's factorisations ~30 s of four windows (the copies at
N = 625 and 2500, the predicted window of 757,198 elements, the trimmed check of 490,064), building the
generators ~10 s.

Reproduce a row with ``--N --full-N --piqs-N --dicke-N 10000 20000 --scaling fixed_kappa_over_N --pump-ratio 0.75``.
The same run through ``cumex solve central_spin --order exact`` (auto) at N = 10,000, fixed κ/N, r = 0.75 took
113 s wall at load 3.1–3.3 (two helpers' jobs beside it). At fixed g√N the coherence cutoff is faster still
(3.5 s at N = 10,000, table above), so ``exact_method: coherence_cutoff`` is worth setting for such studies.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import time

__all__ = ["main"]

_MAX_GIB = float(os.environ.get("CUMEX_BENCH_MAX_GIB", "8"))  # set from --max-gib (read by the spawned solves)


def _ours(N: int, scaling: str, r: float, out: mp.Queue, method: str = "coherence_cutoff") -> None:
    from cumex.exact.memory import largest_cutoff_within
    from cumex.exact.solver import solve
    from cumex.models.central_spin import resolve_parameters

    params = resolve_parameters(N, scaling, r)
    settings: dict[str, object] = {"exact_method": method, "exact_fallback": None}  # each route on its own
    if method != "full":  # stop (reported "inaccurate") rather than grow K beyond what fits in --max-gib
        settings["exact_cutoff_max"] = largest_cutoff_within(params, _MAX_GIB * 2.0**30)
    t0 = time.perf_counter()
    res = solve(params, settings)
    total = time.perf_counter() - t0
    if res.physical is None:
        out.put({"failed": res.status})
        return
    info = res.physical.info
    build = info["build_seconds"]
    out.put(
        {
            "unknowns": int(info["unknowns"]),
            "K": int(info["cutoff_k"]),
            "attempts": int(info["cutoff_attempts"]),
            "build": build,
            "solve": total - build,
            "mem": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            "residual": res.residual,
            "p0": res.physical.observables["central_population"],
            "status": "ok" if res.converged else res.status.split(":")[0],
        }
    )


def _dicke(N: int, scaling: str, r: float, out: mp.Queue) -> None:
    from cumex.exact.solver import solve
    from cumex.models.central_spin import resolve_parameters

    t0 = time.perf_counter()
    res = solve(resolve_parameters(N, scaling, r), {"exact_method": "dicke"})
    total = time.perf_counter() - t0
    if res.physical is None:
        out.put({"failed": res.status})
        return
    info = res.physical.info
    out.put({"unknowns": int(info["unknowns"]), "windows": int(info["windows"]), "seconds": total,
             "mem": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "residual": res.residual,
             "p0": res.physical.observables["central_population"], "window_error": info["window_error"],
             "status": "ok" if res.converged else res.status.split(":")[0]})


def _full(N: int, scaling: str, r: float, out: mp.Queue) -> None:
    _ours(N, scaling, r, out, method="full")


def _piqs(N: int, scaling: str, r: float, out: mp.Queue) -> None:
    import numpy as np
    import qutip
    from qutip import piqs

    from cumex.models.central_spin import resolve_parameters

    p = resolve_parameters(N, scaling, r)
    t0 = time.perf_counter()
    # satellites: local pump Γ↑ D[σn⁺] and loss Γ↓ D[σn⁻] (piqs "pumping", "emission"), H = ε J_z
    jz, jp, jm = piqs.jspin(N, "z"), piqs.jspin(N, "+"), piqs.jspin(N, "-")
    sats = piqs.Dicke(N, hamiltonian=p.epsilon * jz, emission=p.gamma_down, pumping=p.gamma_up)
    nds = jz.shape[0]
    # central spin (qutip: basis(2, 0) is up, sigmap raises): H = (ω/2)σz, κ D[σ⁻]
    central = qutip.liouvillian(0.5 * p.omega * qutip.sigmaz(), [np.sqrt(p.kappa) * qutip.sigmam()])
    coupling = p.g * (qutip.tensor(jm, qutip.sigmap()) + qutip.tensor(jp, qutip.sigmam()))
    L = (
        qutip.super_tensor(sats.liouvillian(), qutip.to_super(qutip.qeye(2)))
        + qutip.super_tensor(qutip.to_super(qutip.qeye(nds)), central)
        + qutip.liouvillian(coupling)
    )
    rho = qutip.steadystate(L)
    seconds = time.perf_counter() - t0
    p0 = qutip.expect(qutip.tensor(qutip.qeye(nds), qutip.sigmap() * qutip.sigmam()), rho)
    out.put({"seconds": seconds, "mem": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "p0": float(np.real(p0))})


def _run(target, N: int, scaling: str, r: float, timeout: float, max_gib: float = float("inf")) -> dict | str:
    from cumex.exact.memory import estimate_memory_bytes
    from cumex.models.central_spin import resolve_parameters

    if target is _full:  # refuse what would not fit (the estimate of cumex.exact.memory)
        need = estimate_memory_bytes(resolve_parameters(N, scaling, r), {"exact_method": "full"}) / 2.0**30
        if need > max_gib:
            return f"est. {need:.0f} GiB"
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=target, args=(N, scaling, r, out))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return f">{timeout:.0f} s"
    if proc.exitcode != 0 or out.empty():
        return f"failed (exit {proc.exitcode})"
    got = out.get()
    return got["failed"][:20] if "failed" in got else got


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--N", type=int, nargs="+", default=[10, 50, 150, 300, 500, 1000, 2000], help="satellite numbers")
    ap.add_argument("--full-N", type=int, nargs="*", default=[10, 50, 150, 300, 500, 1000], help="N also solved on the full sector")
    ap.add_argument("--piqs-N", type=int, nargs="*", default=[4, 8, 12, 16], help="N also solved with piqs")
    ap.add_argument("--dicke-N", type=int, nargs="*", default=[], help="N also solved with exact_method dicke")
    ap.add_argument("--scaling", default="fixed_kappa_over_N")
    ap.add_argument("--pump-ratio", type=float, default=0.75)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per solve")
    ap.add_argument("--max-gib", type=float, default=8.0, help="skip a solve whose estimated peak memory is larger")
    args = ap.parse_args(argv)
    os.environ["CUMEX_BENCH_MAX_GIB"] = str(args.max_gib)  # inherited by the spawned solves
    head = (
        f"{'N':>5} {'unknowns':>8} {'K':>4} {'att':>3} {'build s':>7} {'solve s':>7} {'MiB':>6} {'residual':>8}"
        f" {'p0_up':>14} {'status':>10}"
        f" | {'full unk':>8} {'full s':>7} {'MiB':>6} {'residual':>8} {'ratio':>6} {'|dp0|':>7}"
        f" | {'piqs s':>7} {'MiB':>6} {'ratio':>6} {'|dp0|':>7}"
        f" | {'dicke unk':>9} {'win':>3} {'dicke s':>7} {'MiB':>6} {'residual':>8} {'win err':>7} {'status':>10} {'p0_up':>14} {'|dp0|':>7}"
    )
    print(f"scaling={args.scaling} pump_ratio={args.pump_ratio}  (ratio = other method's seconds / coherence cutoff's)")
    print(head)
    print("-" * len(head))
    for N in sorted(set(args.N) | set(args.full_N) | set(args.piqs_N) | set(args.dicke_N)):
        ours = _run(_ours, N, args.scaling, args.pump_ratio, args.timeout, args.max_gib) if N in args.N else "-"
        if isinstance(ours, str):
            line = f"{N:>5} {ours:>84}"
        else:
            line = (
                f"{N:>5} {ours['unknowns']:>8} {ours['K']:>4} {ours['attempts']:>3} {ours['build']:>7.2f}"
                f" {ours['solve']:>7.2f} {ours['mem']:>6.0f} {ours['residual']:>8.1e} {ours['p0']:>14.11f} {ours['status']:>10}"
            )
        if N in args.full_N:
            full = _run(_full, N, args.scaling, args.pump_ratio, args.timeout, args.max_gib)
            if isinstance(full, str):
                line += f" | {full:>47}"
            else:
                secs = full["build"] + full["solve"]
                line += f" | {full['unknowns']:>8} {secs:>7.2f} {full['mem']:>6.0f} {full['residual']:>8.1e}"
                if not isinstance(ours, str):
                    line += f" {secs / (ours['build'] + ours['solve']):>6.1f} {abs(full['p0'] - ours['p0']):>7.1e}"
        else:
            line += " | " + " " * 47
        if N in args.piqs_N:
            theirs = _run(_piqs, N, args.scaling, args.pump_ratio, args.timeout)
            if isinstance(theirs, str):
                line += f" | {theirs:>7}"
            elif isinstance(ours, str):
                line += f" | {theirs['seconds']:>7.2f} {theirs['mem']:>6.0f}"
            else:
                ratio = theirs["seconds"] / (ours["build"] + ours["solve"])
                line += f" | {theirs['seconds']:>7.2f} {theirs['mem']:>6.0f} {ratio:>6.1f} {abs(theirs['p0'] - ours['p0']):>7.1e}"
        else:
            line += " | " + " " * 29
        if N in args.dicke_N:
            d = _run(_dicke, N, args.scaling, args.pump_ratio, args.timeout, args.max_gib)
            if isinstance(d, str):
                line += f" | {d:>9}"
            else:
                line += (f" | {d['unknowns']:>9} {d['windows']:>3} {d['seconds']:>7.1f} {d['mem']:>6.0f} {d['residual']:>8.1e}"
                         f" {d['window_error']:>7.1e} {d['status']:>10} {d['p0']:>14.11f}")
                if not isinstance(ours, str) and ours["status"] == "ok":
                    line += f" {abs(d['p0'] - ours['p0']):>7.1e}"
        print(line.rstrip(" |"), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
