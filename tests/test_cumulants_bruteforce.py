"""The derived cumulant equations against a brute-force Lindblad calculation in the full Hilbert space.

Brute force (written here, independent of the engine): Pauli matrices with Kronecker products for the
central spin (site 0) and N satellites, the master equation of :mod:`cumex.models.central_spin_operators`,
dense superoperators on column-stacked ρ.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from cumex.cumulants.bind import BoundSystem
from cumex.cumulants.compile import compile_system
from cumex.cumulants.heisenberg import heisenberg
from cumex.cumulants.moments import ONE, Moment, enumerate_moments
from cumex.cumulants.system import derive_system
from cumex.models.central_spin_operators import CENTRAL_SPIN
from cumex.operators.labels import LABELS, site_product

# basis (|up>, |down>)
PAULI = {
    "I": np.eye(2, dtype=complex),
    "Z": np.diag([1.0, -1.0]).astype(complex),
    "P": np.array([[0, 1], [0, 0]], dtype=complex),
    "M": np.array([[0, 0], [1, 0]], dtype=complex),
}

PARAMETER_SETS = [
    # Fig. 2(b)/3(a) point at N = 4: kappa = N/16, g = 3/4, Γ_T = 2, r = 0.75
    dict(omega=1.0, epsilon=1.0, g=0.75, kappa=0.25, gamma_up=1.5, gamma_down=0.5),
    # off resonance, below threshold, all rates different
    dict(omega=1.3, epsilon=0.7, g=0.9, kappa=0.8, gamma_up=0.4, gamma_down=1.1),
]


def string(labels: list[str]) -> np.ndarray:
    out = np.eye(1, dtype=complex)
    for x in labels:
        out = np.kron(out, PAULI[x])
    return out


def moment_operator(m: Moment, N: int) -> np.ndarray:
    return string([m.central, *m.satellites, *["I"] * (N - len(m.satellites))])


def site_op(label: str, site: int, N: int) -> np.ndarray:
    labels = ["I"] * (N + 1)
    labels[site] = label
    return string(labels)


def hamiltonian_and_jumps(p: dict, N: int):
    H = 0.5 * p["omega"] * site_op("Z", 0, N)
    jumps = [(p["kappa"], site_op("M", 0, N))]
    for n in range(1, N + 1):
        H = H + 0.5 * p["epsilon"] * site_op("Z", n, N)
        H = H + p["g"] * (site_op("P", 0, N) @ site_op("M", n, N) + site_op("M", 0, N) @ site_op("P", n, N))
        jumps += [(p["gamma_up"], site_op("P", n, N)), (p["gamma_down"], site_op("M", n, N))]
    return H, jumps


def adjoint_generator(A: np.ndarray, p: dict, N: int) -> np.ndarray:
    H, jumps = hamiltonian_and_jumps(p, N)
    out = 1j * (H @ A - A @ H)
    for rate, L in jumps:
        LdL = L.conj().T @ L
        out = out + rate * (L.conj().T @ A @ L - 0.5 * (LdL @ A + A @ LdL))
    return out


def steady_state(p: dict, N: int) -> np.ndarray:
    H, jumps = hamiltonian_and_jumps(p, N)
    d = H.shape[0]
    eye = np.eye(d)
    L = -1j * (np.kron(eye, H) - np.kron(H.T, eye))
    for rate, J in jumps:
        JdJ = J.conj().T @ J
        L = L + rate * (np.kron(J.conj(), J) - 0.5 * np.kron(eye, JdJ) - 0.5 * np.kron(JdJ.T, eye))
    L[0, :] = eye.reshape(-1, order="F")  # replace one equation by Tr ρ = 1
    b = np.zeros(d * d, dtype=complex)
    b[0] = 1.0
    return np.linalg.solve(L, b).reshape(d, d, order="F")


def symmetric_random_state(N: int, rng: np.random.Generator) -> np.ndarray:
    """A random density matrix invariant under permutations of the satellites."""
    d = 2 ** (N + 1)
    X = rng.normal(size=(d, d)) + 1j * rng.normal(size=(d, d))
    rho = X @ X.conj().T
    rho /= np.trace(rho)
    T = rho.reshape([2] * (2 * N + 2))
    acc = np.zeros_like(T)
    for perm in itertools.permutations(range(1, N + 1)):
        axes = [0, *perm]
        acc += T.transpose(axes + [N + 1 + a for a in axes])
    rho = acc.reshape(d, d)
    return rho / np.trace(rho)


def test_pauli_products_match_matrices():
    for a, b in itertools.product(LABELS, repeat=2):
        expected = PAULI[a] @ PAULI[b]
        got = sum((float(c) * PAULI[x] for x, c in site_product(a, b)), np.zeros((2, 2), dtype=complex))
        np.testing.assert_allclose(got, expected, atol=0)


@pytest.mark.parametrize("p", PARAMETER_SETS)
def test_heisenberg_equations_match_brute_force(p):
    """d⟨m⟩/dt from the engine equals Tr(ρ L†(m)) for a random permutation-symmetric ρ, exactly
    (no closure involved): checks the commutators, dissipators and the N - k split of Σ_n."""
    N = 4
    rng = np.random.default_rng(7)
    rho = symmetric_random_state(N, rng)
    values = {**p, "N": N}
    for m in enumerate_moments(4):
        if len(m.satellites) > N - 1:
            continue  # its equation involves moments on more satellites than exist
        brute = np.trace(rho @ adjoint_generator(moment_operator(m, N), p, N))
        derived = sum(
            c.evaluate(values) * (1.0 if mm == ONE else np.trace(rho @ moment_operator(mm, N)))
            for mm, c in heisenberg(CENTRAL_SPIN, m).items()
        )
        assert abs(derived - brute) < 1e-11, m


@pytest.mark.parametrize(
    "order, symmetry",
    [(2, "u1"), (3, "u1"), (4, "u1"), (5, "u1"), (2, "broken"), (3, "broken")]
    + [pytest.param(M, "broken", marks=pytest.mark.slow) for M in (4, 5)]
    + [pytest.param(6, "u1", marks=pytest.mark.slow)],
)
def test_order_M_is_exact_when_model_has_at_most_M_sites(order, symmetry):
    """N + 1 ≤ M: every moment of the pruned system equals its brute-force value to 1e-9."""
    compiled = compile_system(derive_system(CENTRAL_SPIN, order, symmetry))
    for p in PARAMETER_SETS:
        for N in range(1, order):
            rho = steady_state(p, N)
            b = BoundSystem(compiled, {**p, "N": N})
            x = np.zeros(b.n_x)
            for _ in range(4):  # the pruned system is linear: Newton converges in one step
                x = x - np.linalg.solve(b.jacobian(x), b.rhs(x))
            assert np.max(np.abs(b.rhs(x))) < 1e-12
            z = b.z_of_x(x)
            for k, m in enumerate(compiled.zmoments):
                if b.zkept[k]:
                    exact = np.trace(rho @ moment_operator(m, N))
                    assert abs(z[k] - exact) < 1e-9, (order, symmetry, N, m)
