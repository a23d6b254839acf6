"""Batch continuation (cumex.sweep) beside the point-by-point analysis, per order. Prints a table.

    python benchmarks/sweeps.py [--orders 1 2 4] [--points 1000] [--sample 1] [--scaling fixed_kappa_over_N]
                                [--continued]

For each order: one batch of ``--points`` points of one (scaling, order) as the 100,000-point study
(config/scale_100k.yaml) cuts it: 10 consecutive N (from 101) x 100 pump ratios in [0, 1] (fewer N for
fewer points). Columns, all measured in this run:

  batch ms/pt          cumex.sweep.solve_batch over the whole batch (wall, and CPU in brackets: the machine
                       is shared, CPU is the fairer number); with --continued, the "continued" mode for derived
                       orders in a second row (faster, but it misses unstable states the starts find)
  layout ms/pt         CPU of cumex.sweep.batch_dataset (the batch's one dataset), and of the old path
                       (to_dataset per point + assemble) on the sample
  full / continued     points solved by the full analysis / continued
  point ms/pt          cumex.study.solve_result on every ``--sample``-th point (the point-by-point analysis;
                       the default 1 compares every point of the batch)
  mismatch             sampled points whose n_steady_states, n_stable, converged or physical observables
                       (1e-10) differ from the batch's; max |Δ| over the physical observables
  100k estimate        CPU (batch + layout) ms/pt x 100,000 / 2 cores + 100 jobs x 2.5 s start-up / 2 cores, in
                       min, as if the whole study were of this order (the study is half order 1, half order 2)

Measured (this script's defaults, every point compared, OMP_NUM_THREADS=1, beside the lead and other helpers):

    uptime: 15:20:43 up  3:13,  0 user,  load average: 1.18, 1.71, 1.54
         order points    batch ms/pt  layout ms/pt new/old  full/continued    point ms/pt   mismatch, max|Δ|  100k min
             1   1000    1.18 (1.17)            1.11 / 7.9           1/999    90.8 (89.8)    0/1000, 2.2e-16       4.0
             2   1000    1.44 (1.44)            1.24 / 8.2           1/999    68.4 (68.0)    0/1000, 1.6e-15       4.3
             4   1000    6.21 (6.17)            1.40 / 7.7           1/999  172.4 (171.6)    0/1000, 3.3e-13       8.4
    uptime: 15:26:52 up  3:19,  0 user,  load average: 2.03, 1.94, 1.71

Order 4's batch runs the point-by-point starts for all points at once (cumex.sweep.multistart): 6.2 ms CPU a
point at load 1.2-2 (10.8 ms before issue 16's changes at load ~1, 12.8 ms at load ~8), within the 10 ms goal.
Of a cProfile of that batch: Newton's least-squares steps (batched inverses and their condition check)
~24 %, the rest of the batched Newton (F, J, line search) ~40 %, merging the roots point by point, the
batched stability, the neighbour step and the states' observables the rest.
"""

from __future__ import annotations

import argparse
import subprocess
import time

import numpy as np

from cumex.assemble import assemble
from cumex.dataset import to_dataset
from cumex.models import get_model
from cumex.sweep import batch_dataset, solve_batch


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def _same(a, b) -> float:
    """max |Δ| of the physical observables, inf when counts or convergence differ."""
    ra, rb = a.result, b.result
    if (ra.n_steady_states, ra.n_stable, ra.converged, ra.physical is None) != (
            rb.n_steady_states, rb.n_stable, rb.converged, rb.physical is None):
        return float("inf")
    if ra.physical is None:
        return 0.0
    return max(abs(ra.physical.observables[k] - v) for k, v in rb.physical.observables.items())


def run(order: str, scaling: str, n_points: int, sample: int, mode: str) -> dict[str, object]:
    """One row of the table (module docstring)."""
    spec = get_model("central_spin")
    n_N = max(1, n_points // 100)
    points = [{"N": N, "pump_ratio": float(r)} for N in range(101, 101 + n_N) for r in np.linspace(0, 1, 100)]
    batch, wall, cpu = _timed(lambda: solve_batch("central_spin", order, scaling, points, states=mode))
    _, lwall, lcpu = _timed(lambda: batch_dataset(batch, spec, order, scaling))
    picked = list(range(0, len(points), sample))
    sub = [points[i] for i in picked]
    alone, pwall, pcpu = _timed(lambda: solve_batch("central_spin", order, scaling, sub, continuation=False))
    _, owall, ocpu = _timed(lambda: assemble([
        to_dataset(bp.result, model=spec, order=order, scaling=scaling, point=spec.axis_values(bp.point),
                   params=bp.params, overrides={}, settings=bp.settings, solve_seconds=bp.seconds) for bp in alone]))
    diffs = [_same(batch[i], a) for i, a in zip(picked, alone)]
    n = len(points)
    per = 1e3 * (cpu + lcpu) / n
    return {
        "order": order + ("" if mode == "starts" else f" ({mode})"), "n": n,
        "batch": f"{1e3 * wall / n:.2f} ({1e3 * cpu / n:.2f})",
        "layout": f"{1e3 * lcpu / n:.2f} / {1e3 * ocpu / len(sub):.1f}",
        "full": f"{sum(b.how == 'full' for b in batch)}/{sum(b.how == 'continued' for b in batch)}",
        "point": f"{1e3 * pwall / len(sub):.1f} ({1e3 * pcpu / len(sub):.1f})",
        "mismatch": f"{sum(d > 1e-10 for d in diffs)}/{len(sub)}, {max((d for d in diffs if np.isfinite(d)), default=0):.1e}",
        "estimate": f"{(per * 1e5 / 2 / 1e3 + 100 * 2.5 / 2) / 60:.1f}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--orders", nargs="+", default=["1", "2", "4"])
    ap.add_argument("--points", type=int, default=1000)
    ap.add_argument("--sample", type=int, default=1)
    ap.add_argument("--continued", action="store_true", help="also the states='continued' mode (derived orders)")
    ap.add_argument("--high-order-points", type=int, default=1000, help="batch size for orders >= 3")
    ap.add_argument("--scaling", default="fixed_kappa_over_N")
    args = ap.parse_args()
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print("(2 cores shared with other work: wall times are upper bounds, CPU times in brackets)\n")
    head = (f"{'order':>14} {'points':>6} {'batch ms/pt':>14} {'layout ms/pt new/old':>21} {'full/continued':>15} "
            f"{'point ms/pt':>14} {'mismatch, max|Δ|':>18} {'100k min':>9}")
    print(head)
    for order in args.orders:
        modes = ["starts"] if order in ("1", "2") or not args.continued else ["starts", "continued"]
        n = args.points if order in ("1", "2") else args.high_order_points
        for mode in modes:
            r = run(order, args.scaling, n, args.sample, mode)
            print(f"{r['order']:>14} {r['n']:>6} {r['batch']:>14} {r['layout']:>21} {r['full']:>15} {r['point']:>14} "
                  f"{r['mismatch']:>18} {r['estimate']:>9}", flush=True)
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
