"""Exact dynamics of Carollo's driven central spin in the whole permutation-symmetric space: time and memory.

Carollo, PRL 131, 227102 (2023), Fig. 2 parameters (cumex.exact.symmetric.carollo_model defaults): central
spin up ⊗ bath spins in their own steady state, t ∈ [0, 4] with 801 output times. Each (N, method) runs in
a fresh subprocess, so "peak RSS" is that run's own maximum resident memory (build + integration).
Methods: "krylov" (cumex.exact.symmetric.krylov, Arnoldi steps with observable-only dense output) and
"expm_multiply" (scipy's, on the same real generator, chunked over the grid), side by side where both run;
the last columns compare each run's ⟨τ^z⟩(t) and ⟨Q_N⁴⟩(t) with the Krylov run of the same N.

    python benchmarks/exact_driven.py                       # N = 20, 40, 80, 150; expm_multiply up to N = 40
    python benchmarks/exact_driven.py --N 80 --expm-N 80    # one size, both methods

Measured on the project's 2-core machine shared with ~6 other agents, 2026-12-02 (upper bounds: the load
average was 15-18 during these runs, i.e. ~8 runnable processes per core):

    # load before: 01:02:22 up 45 min, load average: 17.89, 15.04, 12.31
       N      dim       nnz        method  build s  evolve s  total s matvecs RSS GB   |tr-1|  <tau_z>(4)   <Q^4>(4)
      20     7084     63972        krylov      1.1       0.5      1.6     176   0.12  6.0e-15 -0.27054353   3.118238
      20     7084     63972 expm_multiply      1.0       7.1      8.0     nan   0.12  6.2e-15 -0.27054353   3.118238
      40    49364    467932        krylov      1.3       2.0      3.2     234   0.18  1.4e-14 -0.27292260   3.354278
      40    49364    467932 expm_multiply      1.2      66.0     67.3     nan   0.18  1.1e-14 -0.27292260   3.354278
    # load before: 01:05:21 up 48 min, load average: 14.76, 14.75, 12.68
      80   367524   3575852        krylov      5.5      35.4     40.9     326   0.65  6.9e-14 -0.27335135   3.477648
     150  2341104  23067212        krylov     55.0     504.0    559.1     448   3.57  1.7e-13 -0.27338724   3.536310
    # load after: 01:15:39 up 59 min, load average: 16.87, 15.56, 14.21

The two methods agree to max|Δ⟨τ^z⟩| = 5e-14, max|Δ⟨Q⁴⟩| = 2e-13 (N = 20, 40). At N = 80 the default
Krylov settings (dimension 30, tol 1e-11) agree with (40, 1e-13) to 7e-14 in every observable.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def _one(N: int, method: str, points: int, t_stop: float, krylov_dim: int, tol: float) -> dict:
    from cumex.exact.symmetric import build_problem, carollo_initial_state, carollo_model, evolve_problem

    model = carollo_model()
    problem = build_problem(model, N)
    times = np.linspace(0.0, t_stop, points)
    settings = {"method": method, "krylov_dim": krylov_dim, "tol": tol}
    obs, _, info = evolve_problem(problem, carollo_initial_state(model), times, settings)
    return {
        "N": N, "method": method, "dim": problem.basis.dim, "nnz": problem.L.nnz,
        "build": info["build_seconds"], "evolve": info["evolve_seconds"], "matvecs": info.get("matvecs", float("nan")),
        "rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
        "trace_dev": float(np.abs(obs["trace"] - 1).max()),
        "tau_z": obs["sz_central"].tolist(), "q4": obs["quadrature_central4"].tolist(),
        "tau_z_end": float(obs["sz_central"][-1]), "q_end": float(obs["quadrature_mean"][-1]),
        "q4_end": float(obs["quadrature_central4"][-1]),
    }


def _uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "uptime unavailable"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--N", type=int, nargs="+", default=[20, 40, 80, 150])
    ap.add_argument("--expm-N", type=int, nargs="*", default=[20, 40], help="sizes that also run expm_multiply")
    ap.add_argument("--points", type=int, default=801)
    ap.add_argument("--t-stop", type=float, default=4.0)
    ap.add_argument("--krylov-dim", type=int, default=30)
    ap.add_argument("--tol", type=float, default=1e-11)
    ap.add_argument("--child", nargs=2, metavar=("N", "METHOD"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        out = _one(int(args.child[0]), args.child[1], args.points, args.t_stop, args.krylov_dim, args.tol)
        print(json.dumps(out))
        return
    print(f"# load before: {_uptime()}")
    header = (f"{'N':>4} {'dim':>8} {'nnz':>9} {'method':>13} {'build s':>8} {'evolve s':>9} {'total s':>8} "
              f"{'matvecs':>7} {'RSS GB':>6} {'|tr-1|':>8} {'<tau_z>(4)':>11} {'<Q^4>(4)':>10} "
              f"{'max|d tau_z|':>12} {'max|d Q^4|':>10}")
    print(header)
    for N in args.N:
        methods = ["krylov"] + (["expm_multiply"] if N in args.expm_N else [])
        ref = None
        for method in methods:
            cmd = [sys.executable, __file__, "--child", str(N), method, "--points", str(args.points),
                   "--t-stop", str(args.t_stop), "--krylov-dim", str(args.krylov_dim), "--tol", str(args.tol)]
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                print(f"{N:>4} {method:>13} failed after {time.perf_counter() - t0:.1f} s: {proc.stderr.strip()[-300:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            ref = ref or r
            d_tz = np.abs(np.array(r["tau_z"]) - ref["tau_z"]).max()
            d_q4 = np.abs(np.array(r["q4"]) - ref["q4"]).max()
            print(f"{N:>4} {r['dim']:>8} {r['nnz']:>9} {method:>13} {r['build']:>8.1f} {r['evolve']:>9.1f} "
                  f"{r['build'] + r['evolve']:>8.1f} {r['matvecs']:>7.0f} {r['rss_gb']:>6.2f} {r['trace_dev']:>8.1e} "
                  f"{r['tau_z_end']:>11.8f} {r['q4_end']:>10.6f} {d_tz:>12.1e} {d_q4:>10.1e}", flush=True)
    print(f"# load after: {_uptime()}")


if __name__ == "__main__":
    main()
