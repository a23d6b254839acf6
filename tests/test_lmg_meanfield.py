"""LMG-dimer mean-field equations, fixed points and the analytic boundaries (eqs. 12, 13)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from cumex.errors import CumexInputError
from cumex.meanfield import lmg_boundaries as bd
from cumex.meanfield import lmg_dimer as mf
from cumex.meanfield.lmg_solve import ATTRACTING, fixed_points
from cumex.models.lmg_dimer import resolve_parameters
from cumex.steady.constrained import classify_on_manifold

G, GAMMA = 1.0, 0.5
J_C0 = (GAMMA**2 + G**2) / (2 * G)  # eq. 12 at λ = 0: 0.625 g


def params(J: float, lam: float):
    return resolve_parameters({"J": J, "lambda": lam, "g": G, "gamma": GAMMA})


def test_jacobian_matches_finite_differences_and_lengths_are_conserved():
    p = params(0.7, 0.4)
    rng = np.random.default_rng(3)
    for x in rng.normal(size=(3, 6)):
        h = 1e-6
        numeric = np.array([(mf.rhs(x + h * e, p) - mf.rhs(x - h * e, p)) / (2 * h) for e in np.eye(6)]).T
        np.testing.assert_allclose(mf.jacobian(x, p), numeric, atol=1e-8)
        # d|S_A|²/dt = 2 x_A·F_A = 0 and likewise for B, off the unit sphere too
        f = mf.rhs(x, p)
        assert abs(x[:3] @ f[:3]) < 1e-12 and abs(x[3:] @ f[3:]) < 1e-12
    batch = rng.normal(size=(4, 6))
    np.testing.assert_allclose(mf.rhs(batch, p), np.array([mf.rhs(x, p) for x in batch]))
    np.testing.assert_allclose(mf.jacobian(batch, p), np.array([mf.jacobian(x, p) for x in batch]))


def test_normal_state_is_always_a_fixed_point():
    for J, lam in [(0.0, 0.0), (1.3, 0.2), (-1.7, 1.4), (0.4, 0.9)]:
        assert np.abs(mf.rhs(mf.NORMAL_STATE, params(J, lam))).max() == 0.0


def test_linearisation_about_normal_state_matches_mean_field_jacobian():
    # the 4×4 matrix of boundaries.py is the tangent-space Jacobian in the (X_A, Y_A, X_B, Y_B) basis
    p = params(0.37, 0.61)
    full = mf.jacobian(mf.NORMAL_STATE, p)[np.ix_([0, 1, 3, 4], [0, 1, 3, 4])]
    np.testing.assert_allclose(full, bd.normal_state_matrix(0.37, 0.61, G, GAMMA), atol=1e-15)


@pytest.mark.parametrize("lam", [0.0, 0.15, 0.3, 0.45])
def test_normal_state_stability_flips_at_eq12(lam):
    jc = float(bd.j_critical(lam, G, GAMMA))
    for sign in (1.0, -1.0):
        # the numerical crossing of the largest growth rate is where eq. 12 puts it
        crossing = brentq(lambda J: bd.normal_state_max_growth(J, lam, G, GAMMA), 0.0, sign * 3.0, xtol=1e-13)
        assert abs(crossing) == pytest.approx(jc, abs=1e-9)
        p_in, p_out = params(sign * (jc - 0.01), lam), params(sign * (jc + 0.01), lam)
        inside = classify_on_manifold(mf.constrained_system(p_in), mf.NORMAL_STATE)
        outside = classify_on_manifold(mf.constrained_system(p_out), mf.NORMAL_STATE)
        assert inside.kind == ATTRACTING and outside.kind == "unstable"
    if lam == 0.0:
        assert jc == pytest.approx(0.625)


def test_hopf_line_and_eq13():
    for J in (0.0, 0.1, 0.2, 0.3):
        lam_h = float(bd.lambda_hopf(J, G, GAMMA))
        assert bd.normal_state_max_growth(J, lam_h - 1e-4, G, GAMMA) < 0 < bd.normal_state_max_growth(J, lam_h + 1e-4, G, GAMMA)
        # eq. 13 is the lowest order in J of the Hopf line at γ = g/2
        assert lam_h == pytest.approx(float(bd.lambda_critical_eq13(J, G)), abs=2 * J**4 + 1e-12)
    assert float(bd.lambda_hopf(0.0, G, GAMMA)) == pytest.approx(0.5)


def _count(J: float, lam: float, n_starts: int = 96, seed: int = 0):
    fps = fixed_points(params(J, lam), n_starts=n_starts, seed=seed)
    return len(fps), sum(fp.kind == ATTRACTING for fp in fps), fps


def test_stable_count_at_lambda_zero_changes_at_jc():
    step = 0.05  # one grid step of the study
    for J in (-0.55, 0.0, 0.55):
        assert _count(J, 0.0)[1] == 1
    for J in (-J_C0 - step, -1.5, J_C0 + step, 1.5):
        assert _count(J, 0.0)[1] == 2


def test_fixed_points_are_true_zeros_and_count_is_stable_under_doubling_starts():
    for J, lam in [(0.3, 0.2), (1.2, 0.3), (-1.5, 0.6), (1.0, 1.0), (0.0, 0.8), (1.0, 0.5)]:
        n1, s1, fps = _count(J, lam, 96, seed=1)
        n2, s2, _ = _count(J, lam, 192, seed=2)
        assert (n1, s1) == (n2, s2)
        for fp in fps:
            assert fp.residual < 1e-10
            assert np.allclose(mf.conserved(fp.x), 1.0, atol=1e-10)
            # the two conserved-length normals (and at J = 0 the rotation orbit) are outside the tangent space
            on_orbit = J == 0 and np.hypot(fp.x[0], fp.x[1]) + np.hypot(fp.x[3], fp.x[4]) > 1e-9
            assert len(fp.stability.eigenvalues) == (3 if on_orbit else 4)


def test_bad_parameters_name_the_key():
    with pytest.raises(CumexInputError, match="set.gamma"):
        resolve_parameters({"gamma": 0})
    with pytest.raises(CumexInputError, match="set.S"):
        resolve_parameters({"S": 1.3})
    with pytest.raises(CumexInputError, match="set.mu"):
        resolve_parameters({"mu": 1})
    with pytest.raises(CumexInputError, match="set.J"):
        resolve_parameters({"J": "abc"})
    assert resolve_parameters({"J": "0.5", "lambda": "1"}).lam == 1.0
