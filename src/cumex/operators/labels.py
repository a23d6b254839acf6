"""Site-wise Pauli algebra for spin-1/2 sites.

A single-site operator is one of four labels: ``"I"`` (identity), ``"Z"`` (σ^z), ``"P"`` (σ^+ = |↑⟩⟨↓|)
and ``"M"`` (σ^- = |↓⟩⟨↑|). Products of two labels are linear combinations of labels:

    Z·Z = I,  Z·P = P,  P·Z = -P,  Z·M = -M,  M·Z = M,  P·P = M·M = 0,
    P·M = (I + Z)/2,  M·P = (I - Z)/2.

Operators on different sites commute, so a product of two operator strings is the site-wise product.
Each label carries a U(1) charge (P: +1, M: -1, I and Z: 0) under σ^± → e^{±iθ} σ^±.

A bosonic central site uses the labels of normal-ordered products a†^p a^q instead (:mod:`.boson`);
the functions ``label_*`` and ``site_product`` accept both kinds (the label sets share only ``"I"``).
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from cumex.operators.boson import boson_powers, boson_product, boson_text, is_boson

__all__ = [
    "LABELS",
    "ORDERING",
    "CHARGE",
    "ADJOINT",
    "is_label",
    "label_adjoint",
    "label_charge",
    "label_weight",
    "label_key",
    "label_elements",
    "label_text",
    "site_product",
    "string_product",
    "string_commutator",
    "total_charge",
]

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


def is_label(label: str) -> bool:
    return label in ORDERING or is_boson(label)


def label_adjoint(label: str) -> str:
    if label in ADJOINT:
        return ADJOINT[label]
    p, q = boson_powers(label)
    return "A" * q + "a" * p


def label_charge(label: str) -> int:
    if label in CHARGE:
        return CHARGE[label]
    p, q = boson_powers(label)
    return p - q


def label_weight(label: str) -> int:
    """How many operators the label counts for the order: 1 per Pauli site, p + q for a†^p a^q."""
    if label in ORDERING:
        return int(label != "I")
    return len(label)


def label_key(label: str) -> tuple[int, ...]:
    """Sort key; Pauli labels keep their ORDERING, a†^p a^q sorts after them by (p + q, -p)."""
    if label in ORDERING:
        return (ORDERING[label],)
    p, q = boson_powers(label)
    return (len(LABELS), p + q, -p)


def label_elements(label: str) -> tuple[str, ...]:
    """The separate operators a label stands for in a joint cumulant: a Pauli label is one, a†^p a^q is
    p factors a† then q factors a (any sub-selection, joined in this order, is again a normal-ordered label)."""
    return () if label == "I" else tuple(label) if is_boson(label) else (label,)


def label_text(label: str) -> str:
    return boson_text(label) if is_boson(label) else label


def site_product(a: str, b: str) -> tuple[tuple[str, Fraction], ...]:
    """The product a·b of two single-site labels as ((label, coefficient), ...)."""
    if a == "I":
        return ((b, Fraction(1)),)
    if b == "I":
        return ((a, Fraction(1)),)
    if (a, b) in _TABLE:
        return _TABLE[(a, b)]
    return boson_product(a, b)


def string_product(a: tuple[str, ...], b: tuple[str, ...]) -> dict[tuple[str, ...], Fraction]:
    """Site-wise product of two operator strings of equal length: {string: coefficient}.

    Sites where either factor is the identity just copy the other label; only the (few) sites where
    both act branch into a sum, so the cost does not grow with the string's length beyond the copy.
    """
    if len(a) != len(b):
        raise ValueError("operator strings of different length")
    base = [y if x == "I" else x for x, y in zip(a, b)]
    both = [i for i, (x, y) in enumerate(zip(a, b)) if x != "I" and y != "I"]
    partial: dict[tuple[str, ...], Fraction] = {(): Fraction(1)}
    for i in both:
        factors = site_product(a[i], b[i])
        if not factors:
            return {}
        nxt: dict[tuple[str, ...], Fraction] = {}
        for prefix, c in partial.items():
            for label, d in factors:
                key = prefix + (label,)
                nxt[key] = nxt.get(key, Fraction(0)) + c * d
        partial = nxt
    out: dict[tuple[str, ...], Fraction] = {}
    for labels, c in partial.items():
        if c == 0:
            continue
        s = list(base)
        for i, label in zip(both, labels):
            s[i] = label
        out[tuple(s)] = c
    return out


def string_commutator(a: tuple[str, ...], b: tuple[str, ...]) -> dict[tuple[str, ...], Fraction]:
    """[a, b] = a·b - b·a for two operator strings, as {string: coefficient}."""
    out = dict(string_product(a, b))
    for key, value in string_product(b, a).items():
        out[key] = out.get(key, Fraction(0)) - value
    return {k: v for k, v in out.items() if v != 0}


def total_charge(labels: Iterable[str]) -> int:
    return sum(label_charge(x) for x in labels)
