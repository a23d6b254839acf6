"""Exact coefficients: polynomials in N and the model parameters with Gaussian-rational coefficients.

A monomial is a sorted tuple of (name, power) pairs (``()`` is the constant 1); a :class:`Poly` maps
monomials to complex numbers with exact rational real and imaginary parts, stored as pairs of Fractions.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

import sympy

__all__ = ["Monomial", "Poly"]

Monomial = tuple[tuple[str, int], ...]
GaussQ = tuple[Fraction, Fraction]


def _mono_mul(a: Monomial, b: Monomial) -> Monomial:
    powers = dict(a)
    for name, p in b:
        powers[name] = powers.get(name, 0) + p
    return tuple(sorted((k, v) for k, v in powers.items() if v))


def _gmul(a: GaussQ, b: GaussQ) -> GaussQ:
    return (a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0])


class Poly:
    """An exact polynomial Σ_m c_m · m with Gaussian-rational c_m (immutable by convention)."""

    __slots__ = ("terms",)

    def __init__(self, terms: Mapping[Monomial, GaussQ] | None = None):
        self.terms: dict[Monomial, GaussQ] = {
            m: (Fraction(c[0]), Fraction(c[1])) for m, c in (terms or {}).items() if c[0] != 0 or c[1] != 0
        }

    # construction -------------------------------------------------------------------------------
    @classmethod
    def const(cls, re: Fraction | int = 0, im: Fraction | int = 0) -> Poly:
        return cls({(): (Fraction(re), Fraction(im))})

    @classmethod
    def symbol(cls, name: str, re: Fraction | int = 1, im: Fraction | int = 0) -> Poly:
        return cls({((name, 1),): (Fraction(re), Fraction(im))})

    # arithmetic ---------------------------------------------------------------------------------
    def __add__(self, other: Poly) -> Poly:
        out = dict(self.terms)
        for m, c in other.terms.items():
            a = out.get(m, (Fraction(0), Fraction(0)))
            out[m] = (a[0] + c[0], a[1] + c[1])
        return Poly(out)

    def __mul__(self, other: Poly) -> Poly:
        out: dict[Monomial, GaussQ] = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in other.terms.items():
                m = _mono_mul(m1, m2)
                c = _gmul(c1, c2)
                a = out.get(m, (Fraction(0), Fraction(0)))
                out[m] = (a[0] + c[0], a[1] + c[1])
        return Poly(out)

    def scale(self, re: Fraction | int, im: Fraction | int = 0) -> Poly:
        k = (Fraction(re), Fraction(im))
        return Poly({m: _gmul(c, k) for m, c in self.terms.items()})

    def conjugate(self) -> Poly:
        """Complex conjugate, with every symbol taken as real."""
        return Poly({m: (c[0], -c[1]) for m, c in self.terms.items()})

    def __neg__(self) -> Poly:
        return self.scale(-1)

    def __sub__(self, other: Poly) -> Poly:
        return self + (-other)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Poly) and self.terms == other.terms

    def __hash__(self) -> int:
        return hash(frozenset(self.terms.items()))

    def is_zero(self) -> bool:
        return not self.terms

    # evaluation and printing --------------------------------------------------------------------
    def evaluate(self, values: Mapping[str, float]) -> complex:
        total = 0j
        for m, (re, im) in self.terms.items():
            v = 1.0
            for name, p in m:
                v *= float(values[name]) ** p
            total += complex(float(re), float(im)) * v
        return total

    def to_sympy(self, symbols: Mapping[str, sympy.Symbol] | None = None) -> sympy.Expr:
        expr = sympy.Integer(0)
        for m, (re, im) in self.terms.items():
            term = sympy.Rational(re.numerator, re.denominator) + sympy.I * sympy.Rational(im.numerator, im.denominator)
            for name, p in m:
                sym = symbols[name] if symbols and name in symbols else sympy.Symbol(name, real=True)
                term = term * sym**p
            expr = expr + term
        return expr

    def __repr__(self) -> str:
        return f"Poly({sympy.sstr(sympy.expand(self.to_sympy()))})"
