"""Normal-ordered products of one bosonic mode, a†^p a^q, as single-site labels.

The label of a†^p a^q is the string ``"A" * p + "a" * q`` (``"A"`` stands for a†); a†^0 a^0 is the identity
``"I"`` shared with the Pauli labels. Products are brought back to normal order with

    a^q a†^r = Σ_k k! C(q, k) C(r, k) a†^(r-k) a^(q-k)       (from [a, a†] = 1),

so a†^p a^q · a†^r a^s = Σ_k k! C(q, k) C(r, k) a†^(p+r-k) a^(q+s-k), with integer coefficients.
Adjoint: (a†^p a^q)† = a†^q a^p. U(1) charge (a → e^{-iθ} a): p - q. Operator count (the order
convention of QuantumCumulants.jl): p + q.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import cache
from math import comb, factorial

__all__ = ["boson_label", "is_boson", "boson_powers", "boson_product", "boson_text", "boson_latex"]

_PATTERN = re.compile(r"^A*a*$")


def is_boson(label: str) -> bool:
    """True for a non-identity label a†^p a^q (``"A"*p + "a"*q``, p + q ≥ 1)."""
    return bool(label) and _PATTERN.match(label) is not None


def boson_label(p: int, q: int) -> str:
    return "A" * p + "a" * q if p + q else "I"


@cache
def boson_powers(label: str) -> tuple[int, int]:
    """(p, q) of a†^p a^q; the identity is (0, 0)."""
    if label == "I":
        return 0, 0
    if not is_boson(label):
        raise ValueError(f"not a boson label: {label!r}")
    p = label.count("A")
    return p, len(label) - p


@cache
def boson_product(x: str, y: str) -> tuple[tuple[str, Fraction], ...]:
    """The normal-ordered product x·y as ((label, coefficient), ...)."""
    p, q = boson_powers(x)
    r, s = boson_powers(y)
    return tuple(
        (boson_label(p + r - k, q + s - k), Fraction(factorial(k) * comb(q, k) * comb(r, k)))
        for k in range(min(q, r) + 1)
    )


def boson_text(label: str) -> str:
    """Readable form: a†a†a for a†²a."""
    p, q = boson_powers(label)
    return "a†" * p + "a" * q


def boson_latex(label: str) -> str:
    p, q = boson_powers(label)
    parts = []
    if p:
        parts.append(r"a^{\dagger}" if p == 1 else rf"a^{{\dagger {p}}}")
    if q:
        parts.append("a" if q == 1 else f"a^{{{q}}}")
    return " ".join(parts)
