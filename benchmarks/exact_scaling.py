"""Cost of the exact (U(1)-reduced) steady state against N: the coherence cutoff (default) beside the full-sector
solve (``exact_method="full"``) and QuTiP's piqs, all in the same run.

Each solve runs in a fresh process so that its peak resident memory (ru_maxrss) is its own. Columns:
N; for the coherence cutoff (new default): real unknowns solved for, final ladder cutoff K, seconds to build
(every attempt), seconds to solve (ordering + LU + refinement, every attempt and pass), peak memory, residual
‖L w‖_∞ of the exact generator (trace-1 state, bounded coordinates), p0↑; for the full-sector solve: its
unknowns, total seconds, peak memory, residual, its time over the cutoff's and |Δp0↑|; for piqs
(Dicke-basis Liouvillian of the satellites ⊗ central spin, ``qutip.steadystate``): seconds, peak memory,
its time over the cutoff's and |Δp0↑|.

    python benchmarks/exact_scaling.py --N 10 50 150 500 1000 2000 --full-N 150 500 1000 --piqs-N 4 8 12 16
    python benchmarks/exact_scaling.py --N 5000 --full-N --piqs-N --timeout 600      # one large point

Times are wall-clock on whatever else the machine is doing; run it on a quiet machine for clean numbers.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time

__all__ = ["main"]


def _ours(N: int, scaling: str, r: float, out: "mp.Queue", method: str = "coherence_cutoff") -> None:
    from cumex.exact.observables import observables
    from cumex.exact.steady import steady_state
    from cumex.models.central_spin import resolve_parameters

    t0 = time.perf_counter()
    res = steady_state(resolve_parameters(N, scaling, r), method=method)
    total = time.perf_counter() - t0
    build = res.info["build_seconds"]
    out.put(
        {
            "unknowns": int(res.info["unknowns"]),
            "K": int(res.info["cutoff_k"]),
            "build": build,
            "solve": total - build,
            "mem": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
            "residual": res.residual,
            "p0": observables(res.w, res.basis)["central_population"],
            "passes": int(res.info["passes"]),
        }
    )


def _full(N: int, scaling: str, r: float, out: "mp.Queue") -> None:
    _ours(N, scaling, r, out, method="full")


def _piqs(N: int, scaling: str, r: float, out: "mp.Queue") -> None:
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


def _run(target, N: int, scaling: str, r: float, timeout: float) -> dict | str:
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
    return out.get()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--N", type=int, nargs="+", default=[10, 50, 150, 300, 500, 1000, 2000], help="satellite numbers")
    ap.add_argument("--full-N", type=int, nargs="*", default=[10, 50, 150, 300, 500, 1000], help="N also solved on the full sector")
    ap.add_argument("--piqs-N", type=int, nargs="*", default=[4, 8, 12, 16], help="N also solved with piqs")
    ap.add_argument("--scaling", default="fixed_kappa_over_N")
    ap.add_argument("--pump-ratio", type=float, default=0.75)
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds allowed per solve")
    args = ap.parse_args(argv)
    head = (
        f"{'N':>5} {'unknowns':>8} {'K':>4} {'build s':>7} {'solve s':>7} {'MiB':>6} {'residual':>8} {'p0_up':>10}"
        f" | {'full unk':>8} {'full s':>7} {'MiB':>6} {'residual':>8} {'ratio':>6} {'|dp0|':>7}"
        f" | {'piqs s':>7} {'MiB':>6} {'ratio':>6} {'|dp0|':>7}"
    )
    print(f"scaling={args.scaling} pump_ratio={args.pump_ratio}  (ratio = other method's seconds / coherence cutoff's)")
    print(head)
    print("-" * len(head))
    for N in sorted(set(args.N) | set(args.full_N) | set(args.piqs_N)):
        ours = _run(_ours, N, args.scaling, args.pump_ratio, args.timeout)
        if isinstance(ours, str):
            line = f"{N:>5} {ours:>64}"
        else:
            line = (
                f"{N:>5} {ours['unknowns']:>8} {ours['K']:>4} {ours['build']:>7.2f} {ours['solve']:>7.2f} {ours['mem']:>6.0f}"
                f" {ours['residual']:>8.1e} {ours['p0']:>10.7f}"
            )
        if N in args.full_N:
            full = _run(_full, N, args.scaling, args.pump_ratio, args.timeout)
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
        print(line.rstrip(" |"), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
