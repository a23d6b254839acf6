"""Dynamics studies' engines through their one door (cumex.dynamics.evolve_point), beside alternatives.

Carollo, PRL 131, 227102 (2023), Fig. 2: the model's defaults, g = g0/√N, central spin up ⊗ the bath in its own
steady state, t ∈ [0, 4] with 801 output times. Three tables, each with its alternative in the same run:

1. exact (whole permutation-symmetric space, Krylov) at N = 20, 40, 80 (``--large``: also 150) beside the same
   generator integrated by scipy's expm_multiply (``--expm-N``, default N ≤ 40: it is 10-30 times slower);
2. exact at small N beside QuTiP ``mesolve`` on the full 2^(N+1)-dimensional Hilbert space (independent
   operators, no symmetry; skipped when qutip is not installed);
3. the N → ∞ limit (open Jaynes–Cummings model): its steady state (cumex.limits.solve_limit) and dynamics, beside
   QuTiP ``mesolve`` / ``steadystate`` of the same Jaynes–Cummings model in the same Fock cutoff.

Agreement columns: max over the window of |Δ⟨τ^z⟩| and |Δ⟨q_N⟩| against the alternative.

    python benchmarks/dynamics.py [--large] [--expm-N 20 40] [--qutip-N 4 6]

Measured 2026-12-02 on the project's 2-core machine shared with other agents (load average 15-22 during the
run, so the times are upper bounds; ``--qutip-N 4 6 8``):

    # 1. exact dynamics, 801 times to t = 4; load average: 15.25, 12.02, 7.87
        N       dim  krylov s   expm s  max|dtz|   max|dq|        tz(4)   <Q^4>(4) status
       20      7084       4.0     12.4   5.2e-14   4.3e-14  -0.27054353   3.118238 ok
       40     49364       6.3    110.9   3.4e-14   3.4e-14  -0.27292260   3.354278 ok
       80    367524      36.5        -         -         -  -0.27335135   3.477648 ok
      150   2341104     341.7        -         -         -  -0.27338724   3.536310 ok   (--large, separate run,
                                                                        load 13-18, peak RSS 3.65 GB)
    # 2. exact beside QuTiP mesolve on the full Hilbert space; load average: 17.75, 14.60, 9.57
        N  hilbert  cumex s  qutip s  max|dtz|   max|dq|
        4       32     0.42     0.65   4.0e-11   5.6e-12
        6      128     0.40    11.35   3.9e-09   4.5e-10
        8      512     0.48   242.02   2.8e-09   3.7e-10
    # 3. the limit; load average: 22.09, 19.41, 12.83
    cumex: steady state 0.278 s (<tau^z> = -0.2753944195, Fock cutoff 25), dynamics 0.908 s (801 times,
           cutoff 26, truncation weight 2.8e-15), ok
    qutip: steady state 0.248 s (<tau^z> = -0.2753944195, |diff| = 1.0e-15), mesolve 0.985 s;
           dynamics max|dtz| = 1.4e-09, max|dq| = 1.7e-10

The 1e-9 differences from QuTiP are its ODE tolerance (rtol 1e-10): against an exact matrix exponential of the
dense Lindbladian (tests/test_dynamics_engines.py) the exact engine agrees to 4e-13 (N = 2, 3).
"""

from __future__ import annotations

import argparse
import subprocess
import time

import numpy as np

from cumex import get_model
from cumex.dynamics import evolve_point, time_grid

MODEL = "driven_central_spin"


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _timed(function):
    start = time.perf_counter()
    out = function()
    return out, time.perf_counter() - start


def exact_table(Ns, expm_Ns, times) -> None:
    print(f"# 1. exact dynamics, {times.size} times to t = {times[-1]:g}; load: {_uptime()}")
    print(f"{'N':>5} {'dim':>9} {'krylov s':>9} {'expm s':>8} {'max|dtz|':>9} {'max|dq|':>9} {'tz(4)':>12} {'<Q^4>(4)':>10} status")
    for N in Ns:
        kry, t_kry = _timed(lambda: evolve_point(MODEL, None, "exact", {"N": N}, times))
        dim = int(kry.info.get("dim", 0))
        if N in expm_Ns:
            alt, t_alt = _timed(lambda: evolve_point(MODEL, None, "exact", {"N": N}, times, {"exact_integrator": "expm_multiply"}))
            dz = np.abs(kry.observables["sz_central"] - alt.observables["sz_central"]).max()
            dq = np.abs(kry.observables["quadrature_mean"] - alt.observables["quadrature_mean"]).max()
            extra = f"{t_alt:8.1f} {dz:9.1e} {dq:9.1e}"
        else:
            extra = f"{'-':>8} {'-':>9} {'-':>9}"
        print(f"{N:5d} {dim:9d} {t_kry:9.1f} {extra} {kry.observables['sz_central'][-1]:12.8f} "
              f"{kry.observables['quadrature_central4'][-1]:10.6f} {kry.status}", flush=True)


def _qutip_full_space(N: int, times: np.ndarray) -> dict[str, np.ndarray]:
    import qutip

    p = get_model(MODEL).resolve("fixed_g_sqrtN", {"N": N})
    n = N + 1
    up = qutip.basis(2, 0)  # qutip: basis(2, 0) is up, sigmap() raises, sigmaz() = diag(1, -1)

    def site(op, k):
        return qutip.tensor([op if j == k else qutip.qeye(2) for j in range(n)])

    Sm = sum(site(qutip.sigmam(), k) for k in range(1, n))
    H = p["omega_x"] * site(qutip.sigmax(), 0) + p["omega_z"] * site(qutip.sigmaz(), 0)
    H += p["g"] * (site(qutip.sigmap(), 0) * Sm + site(qutip.sigmam(), 0) * Sm.dag())
    c_ops = [np.sqrt(p["gamma_up_central"]) * site(qutip.sigmap(), 0), np.sqrt(p["gamma_down_central"]) * site(qutip.sigmam(), 0)]
    c_ops += [np.sqrt(p["gamma_up"]) * site(qutip.sigmap(), k) for k in range(1, n)]
    c_ops += [np.sqrt(p["gamma_down"]) * site(qutip.sigmam(), k) for k in range(1, n)]
    total = p["gamma_up"] + p["gamma_down"]
    bath = (p["gamma_up"] * up * up.dag() + p["gamma_down"] * qutip.basis(2, 1) * qutip.basis(2, 1).dag()) / total
    rho0 = qutip.tensor([up * up.dag()] + [bath] * N)
    eps = (p["gamma_down"] - p["gamma_up"]) / total
    q = (Sm + Sm.dag()) / np.sqrt(2 * eps * N)
    result = qutip.mesolve(H, rho0, times, c_ops, e_ops=[site(qutip.sigmaz(), 0), q],
                           options={"atol": 1e-12, "rtol": 1e-10, "nsteps": 100000})
    return {"sz_central": np.real(result.expect[0]), "quadrature_mean": np.real(result.expect[1])}


def qutip_table(Ns, times) -> None:
    print(f"# 2. exact beside QuTiP mesolve on the full Hilbert space; load: {_uptime()}")
    try:
        import qutip  # noqa: F401
    except ImportError:
        print("qutip is not installed: skipped (pip install -e '.[bench]')")
        return
    print(f"{'N':>5} {'hilbert':>8} {'cumex s':>8} {'qutip s':>8} {'max|dtz|':>9} {'max|dq|':>9}")
    for N in Ns:
        ours, t_ours = _timed(lambda: evolve_point(MODEL, None, "exact", {"N": N}, times))
        theirs, t_theirs = _timed(lambda: _qutip_full_space(N, times))
        dz = np.abs(ours.observables["sz_central"] - theirs["sz_central"]).max()
        dq = np.abs(ours.observables["quadrature_mean"] - theirs["quadrature_mean"]).max()
        print(f"{N:5d} {2 ** (N + 1):8d} {t_ours:8.2f} {t_theirs:8.2f} {dz:9.1e} {dq:9.1e}", flush=True)


def _qutip_jaynes_cummings(times: np.ndarray, n_fock: int):
    import qutip

    from cumex.limits.api import limit_model

    m = limit_model(MODEL, "fixed_g_sqrtN")
    tau, b = qutip.tensor(qutip.sigmam(), qutip.qeye(n_fock)), qutip.tensor(qutip.qeye(2), qutip.destroy(n_fock))
    tx, ty, tz = (qutip.tensor(op, qutip.qeye(n_fock)) for op in (qutip.sigmax(), qutip.sigmay(), qutip.sigmaz()))
    coupling = tau.dag() * b.dag() + tau * b if m.counter_rotating else tau.dag() * b + tau * b.dag()
    H = m.h_x * tx + m.h_y * ty + m.h_z * tz + m.omega_b * b.dag() * b + m.coupling * coupling
    c_ops = [np.sqrt(m.gamma_up_central) * tau.dag(), np.sqrt(m.gamma_down_central) * tau, np.sqrt(m.boson_loss) * b,
             np.sqrt(m.boson_gain) * b.dag()]
    rho0 = qutip.tensor(qutip.basis(2, 0) * qutip.basis(2, 0).dag(), qutip.thermal_dm(n_fock, m.thermal_occupation))
    q = (b + b.dag()) / np.sqrt(2)
    (dyn, t_dyn) = _timed(lambda: qutip.mesolve(H, rho0, times, c_ops, e_ops=[tz, q],
                                                options={"atol": 1e-12, "rtol": 1e-10, "nsteps": 100000}))
    (ss, t_ss) = _timed(lambda: qutip.steadystate(H, c_ops))
    return dyn, t_dyn, qutip.expect(tz, ss), t_ss


def limit_table(times) -> None:
    from cumex.limits.api import solve_limit

    print(f"# 3. the N -> infinity limit (open Jaynes-Cummings model) beside QuTiP in the same cutoff; load: {_uptime()}")
    steady, t_steady = _timed(lambda: solve_limit(MODEL, "fixed_g_sqrtN", {}))
    dyn, t_dyn = _timed(lambda: evolve_point(MODEL, None, "limit", {}, times))
    n_fock = int(dyn.info["n_fock"])
    print(f"cumex: steady state {t_steady:.3f} s (<tau^z> = {steady.physical.observables['sz_central']:.10f}, "
          f"Fock cutoff {int(steady.physical.info['n_fock'])}), dynamics {t_dyn:.3f} s ({times.size} times, cutoff {n_fock}, "
          f"truncation weight {dyn.info['truncation_weight']:.1e}), {dyn.status}")
    try:
        import qutip  # noqa: F401
    except ImportError:
        print("qutip is not installed: no alternative")
        return
    theirs, t_theirs, tz_ss, t_ss = _qutip_jaynes_cummings(times, n_fock)
    dz = np.abs(dyn.observables["sz_central"] - np.real(theirs.expect[0])).max()
    dq = np.abs(dyn.observables["quadrature_mean"] - np.real(theirs.expect[1])).max()
    print(f"qutip: steady state {t_ss:.3f} s (<tau^z> = {float(np.real(tz_ss)):.10f}, |diff| = "
          f"{abs(float(np.real(tz_ss)) - steady.physical.observables['sz_central']):.1e}), mesolve {t_theirs:.3f} s; "
          f"dynamics max|dtz| = {dz:.1e}, max|dq| = {dq:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also N = 150 (about 4-9 min on 2 loaded cores)")
    parser.add_argument("--expm-N", type=int, nargs="*", default=[20, 40], help="N at which expm_multiply runs too")
    parser.add_argument("--qutip-N", type=int, nargs="*", default=[4, 6], help="N of the full-space QuTiP runs (N = 8: minutes)")
    parser.add_argument("--t-num", type=int, default=801)
    args = parser.parse_args()
    times = time_grid(4.0, args.t_num)
    exact_table([20, 40, 80] + ([150] if args.large else []), set(args.expm_N), times)
    qutip_table(args.qutip_N, times)
    limit_table(times)
    print(f"# load after: {_uptime()}")


if __name__ == "__main__":
    main()
