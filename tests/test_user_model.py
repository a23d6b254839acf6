"""A model written by a user as one Python file (examples/central_spin_dephasing.py) runs through every door:
cumex.solve_point, the CLI and a study; its cumulant results are checked against a brute-force Lindblad solve."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cumex import solve_point
from cumex.cli import main
from cumex.config import grid_points, validate_study
from cumex.errors import CumexInputError
from cumex.exact.dense import PAULI, lindbladian, many_to_one_operators, steady_state
from cumex.models import get_model

ROOT = Path(__file__).resolve().parents[1]
SPEC = f"{ROOT / 'examples' / 'central_spin_dephasing.py'}:MODEL"


def brute_force_p0(N: int, pump_ratio: float, gamma_phi: float) -> float:
    """p0 = (1 + <σ0^z>)/2 of the dense Lindbladian written out independently of the model's operator data."""
    g, kappa, gamma_T, omega, epsilon = 0.75, N / 16, 2.0, 1.0, 1.0  # fixed_kappa_over_N defaults
    gu, gd = pump_ratio * gamma_T, (1 - pump_ratio) * gamma_T
    n = N + 1

    def op(site: int, label: str) -> np.ndarray:
        out = np.eye(1)
        for k in range(n):
            out = np.kron(out, PAULI[label] if k == site else np.eye(2))
        return out

    H = omega / 2 * op(0, "Z")
    jumps = [(kappa, op(0, "M"))]
    for k in range(1, n):
        H = H + epsilon / 2 * op(k, "Z") + g * (op(0, "P") @ op(k, "M") + op(0, "M") @ op(k, "P"))
        jumps += [(gu, op(k, "P")), (gd, op(k, "M")), (gamma_phi / 2, op(k, "Z"))]
    rho = steady_state(lindbladian(H, jumps))
    return float(np.real(np.trace(rho @ op(0, "Z"))) + 1) / 2


@pytest.mark.parametrize("N, order", [(1, "2"), (2, "3")])
def test_user_model_order_with_every_site_is_exact(N: int, order: str) -> None:
    """Order M with M >= N + 1 sites has no closure error: it equals the brute-force steady state."""
    ds = solve_point(model=SPEC, order=order, scaling="fixed_kappa_over_N", N=N, pump_ratio=0.7,
                     overrides={"gamma_phi": 0.8})
    assert ds["status"].item() == "ok"
    assert ds["central_population"].item() == pytest.approx(brute_force_p0(N, 0.7, 0.8), abs=1e-9)
    assert ds["gamma_phi_half"].item() == pytest.approx(0.4, abs=1e-15)


def test_operator_data_builds_the_same_lindbladian() -> None:
    """many_to_one_operators (from the model file's data) equals the hand-written dense operators."""
    model = get_model(SPEC)
    values = model.resolve("fixed_kappa_over_N", {"N": 2, "pump_ratio": 0.7}, {"gamma_phi": 0.8})
    H, jumps = many_to_one_operators(model.operators, 2, values)
    p0 = (np.real(np.trace(steady_state(lindbladian(H, jumps)) @ np.kron(PAULI["Z"], np.eye(4)))) + 1) / 2
    assert p0 == pytest.approx(brute_force_p0(2, 0.7, 0.8), abs=1e-12)


def test_user_model_in_cli_and_study(tmp_path: Path, capsys) -> None:
    out = tmp_path / "u.nc"
    assert main(["solve", SPEC, "--order", "2", "--N", "3", "--set", "gamma_phi=0.2", "--out", str(out)]) == 0
    assert "status=ok" in capsys.readouterr().out and out.stat().st_size > 0
    config = validate_study({"study": "u", "model": SPEC, "parameters": {"gamma_phi": 0.3},
                             "grids": [{"orders": ["2", "3"], "N": [2, 4], "pump_ratios": [0.75]}]})
    assert len(grid_points(config)) == 4
    with pytest.raises(CumexInputError, match="parameters.gamma_ph"):
        validate_study({"study": "u", "model": SPEC, "parameters": {"gamma_ph": 0.3},
                        "grids": [{"orders": ["2"], "N": [2], "pump_ratios": [0.75]}]})


def test_missing_user_model_file_is_named() -> None:
    with pytest.raises(CumexInputError, match="no file"):
        get_model("no/such/file.py:MODEL")
