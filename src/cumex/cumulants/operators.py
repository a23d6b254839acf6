"""Site-wise Pauli algebra for spin-1/2 sites.

A single-site operator is one of four labels: ``"I"`` (identity), ``"Z"`` (σ^z), ``"P"`` (σ^+ = |↑⟩⟨↓|)
and ``"M"`` (σ^- = |↓⟩⟨↑|). Products of two labels are linear combinations of labels:

    Z·Z = I,  Z·P = P,  P·Z = -P,  Z·M = -M,  M·Z = M,  P·P = M·M = 0,
    P·M = (I + Z)/2,  M·P = (I - Z)/2.

Operators on different sites commute, so a product of two operator strings is the site-wise product.
Each label carries a U(1) charge (P: +1, M: -1, I and Z: 0) under σ^± → e^{±iθ} σ^±.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Iterable

__all__ = ["LABELS", "ORDERING", "CHARGE", "ADJOINT", "site_product", "string_product", "string_commutator", "total_charge"]

LABELS: tuple[str, ...] = ("I", "Z", "P", "M")
#: canonical ordering of labels inside a multiset of satellite operators
ORDERING: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
CHARGE: dict[str, int] = {"I": 0, "Z": 0, "P": 1, "M": -1}
ADJOINT: dict[str, str] = {"I": "I", "Z": "Z", "P": "M", "M": "P"}

_HALF = Fraction(1, 2)
# (a, b) -> ((label, real coefficient), ...); every product of Pauli labels has real coefficients
_TABLE: dict[tuple[str, str], tuple[tuple[str, Fraction], ...]] = {
    ("Z", "Z"): (("I", Fraction(1)),),
    ("Z", "P"): (("P", Fraction(1)),),
    ("P", "Z"): (("P", Fraction(-1)),),
    ("Z", "M"): (("M", Fraction(-1)),),
    ("M", "Z"): (("M", Fraction(1)),),
    ("P", "P"): (),
    ("M", "M"): (),
    ("P", "M"): (("I", _HALF), ("Z", _HALF)),
    ("M", "P"): (("I", _HALF), ("Z", -_HALF)),
}


def site_product(a: str, b: str) -> tuple[tuple[str, Fraction], ...]:
    """The product a·b of two single-site labels as ((label, coefficient), ...)."""
    if a == "I":
        return ((b, Fraction(1)),)
    if b == "I":
        return ((a, Fraction(1)),)
    return _TABLE[(a, b)]


def string_product(a: tuple[str, ...], b: tuple[str, ...]) -> dict[tuple[str, ...], Fraction]:
    """Site-wise product of two operator strings of equal length: {string: coefficient}."""
    partial: dict[tuple[str, ...], Fraction] = {(): Fraction(1)}
    for x, y in zip(a, b, strict=True):
        factors = site_product(x, y)
        nxt: dict[tuple[str, ...], Fraction] = {}
        for prefix, c in partial.items():
            for label, d in factors:
                key = prefix + (label,)
                nxt[key] = nxt.get(key, Fraction(0)) + c * d
        partial = nxt
        if not partial:
            break
    return {k: v for k, v in partial.items() if v != 0}


def string_commutator(a: tuple[str, ...], b: tuple[str, ...]) -> dict[tuple[str, ...], Fraction]:
    """[a, b] = a·b - b·a for two operator strings, as {string: coefficient}."""
    out = dict(string_product(a, b))
    for key, value in string_product(b, a).items():
        out[key] = out.get(key, Fraction(0)) - value
    return {k: v for k, v in out.items() if v != 0}


def total_charge(labels: Iterable[str]) -> int:
    return sum(CHARGE[x] for x in labels)
