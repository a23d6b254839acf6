"""Closure at order M: a moment of order M + 1 from setting its joint cumulant to zero.

The moment's operators are its elements: one per satellite, one for a central Pauli label, and for a
bosonic a†^p a^q each of the p factors a† and q factors a separately (as QuantumCumulants.jl does; for a
central spin this is the paper's site-based convention). The joint cumulant of the elements S is
κ(S) = Σ_π (-1)^{|π|-1} (|π|-1)! Π_{B∈π} ⟨B⟩ over all set partitions π of S. κ(S) = 0 gives

    ⟨S⟩ = Σ_{π ≠ {S}} (-1)^{|π|} (|π|-1)! Π_{B∈π} ⟨B⟩,

and each block B maps back to its canonical moment (a block's central elements, kept in their order,
form a normal-ordered product). Blocks whose moment vanishes (non-zero U(1) charge in the symmetric
variant) drop the whole product. Example: ⟨σ0+ σn- σm+ σk-⟩ ≈ 2⟨σ0+σn-⟩⟨σm+σk-⟩ (eq. 14).

Computation (:func:`closure`). Summing over set partitions costs Bell(M + 1) terms (27.6 million at
M = 12). Instead the cumulant of a moment follows from the recursion over the block B holding one chosen
element x, ⟨S⟩ = Σ_{B ∋ x} κ(B) ⟨S∖B⟩, i.e. κ(S) = ⟨S⟩ - Σ_{B ∋ x, B ≠ S} κ(B) ⟨S∖B⟩. Elements with the
same label are interchangeable, so B runs over sub-multisets (with the number of sub-sets giving each)
and κ(B) is a polynomial in moments memoised per canonical moment: shared by every closure of a derivation.
The result equals the partition sum term by term (:func:`closure_by_partitions`, kept as the reference).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import product
from math import comb, factorial

from cumex.cumulants.moments import Moment, canonical
from cumex.operators.labels import label_elements

__all__ = ["set_partitions", "nonzero_filter", "closure", "closure_by_partitions", "cumulant", "closure_coefficient_sum"]

#: a polynomial in moments: {factors sorted by Moment.sort_key: integer coefficient}
MomentPoly = dict[tuple[Moment, ...], int]


@cache
def set_partitions(n: int) -> tuple[tuple[int, ...], ...]:
    """All set partitions of {0..n-1}, each as a tuple of block bitmasks."""
    out: list[tuple[int, ...]] = []

    def grow(i: int, blocks: list[int]) -> None:
        if i == n:
            out.append(tuple(blocks))
            return
        bit = 1 << i
        for j in range(len(blocks)):
            blocks[j] |= bit
            grow(i + 1, blocks)
            blocks[j] &= ~bit
        blocks.append(bit)
        grow(i + 1, blocks)
        blocks.pop()

    grow(0, [])
    return tuple(out)


def _sorted(factors) -> tuple[Moment, ...]:
    return tuple(sorted(factors, key=Moment.sort_key))


def _finish(out: MomentPoly) -> MomentPoly:
    return {k: out[k] for k in sorted(out, key=lambda fs: [f.sort_key() for f in fs]) if out[k] != 0}


# reference: the sum over set partitions -----------------------------------------------------------
def closure_by_partitions(moment: Moment, nonzero: Callable[[Moment], bool]) -> MomentPoly:
    """⟨moment⟩ ≈ Σ coefficient · Π factors by the explicit sum over set partitions (slow; reference)."""
    central = list(label_elements(moment.central))
    labels = central + list(moment.satellites)
    w, n = len(central), len(central) + len(moment.satellites)
    block_moment: dict[int, Moment | None] = {}
    for mask in range(1, 1 << n):
        picked = [labels[i] for i in range(n) if mask >> i & 1]
        n_central = sum(1 for i in range(w) if mask >> i & 1)
        m = canonical("".join(picked[:n_central]) or "I", picked[n_central:])
        block_moment[mask] = m if nonzero(m) else None
    out: MomentPoly = {}
    for partition in set_partitions(n):
        size = len(partition)
        if size == 1:
            continue
        factors = []
        for mask in partition:
            m = block_moment[mask]  # type: ignore[assignment]
            if m is None:
                break
            factors.append(m)
        else:
            key = _sorted(factors)
            out[key] = out.get(key, 0) + (-1) ** size * factorial(size - 1)
    return _finish(out)


# fast: recursion over the block of one element, memoised over sub-multisets -----------------------
def _types(moment: Moment) -> tuple[list[tuple[bool, str]], list[int]]:
    """The moment as counts of interchangeable elements: (is_central, label) types and their counts.
    Central elements keep their order (a† before a), satellites are grouped by label."""
    types: list[tuple[bool, str]] = []
    counts: list[int] = []
    for e in label_elements(moment.central):
        if types and types[-1] == (True, e):
            counts[-1] += 1
        else:
            types.append((True, e))
            counts.append(1)
    for s in moment.satellites:
        if types and types[-1] == (False, s):
            counts[-1] += 1
        else:
            types.append((False, s))
            counts.append(1)
    return types, counts


def _moment_of(types: list[tuple[bool, str]], counts) -> Moment:
    central = "".join(label * c for (is_c, label), c in zip(types, counts) if is_c)
    sats = [label for (is_c, label), c in zip(types, counts) if not is_c for _ in range(c)]
    return canonical(central or "I", sats)


@cache
def _cumulant(moment: Moment, symmetry: str) -> tuple[tuple[tuple[Moment, ...], int], ...]:
    nonzero = nonzero_filter(symmetry)
    out: MomentPoly = {}
    if nonzero(moment):
        out[(moment,)] = 1
    types, counts = _types(moment)
    # x: one element of the first type; B = x plus a sub-multiset of the rest, B ≠ S
    rest = [c - (i == 0) for i, c in enumerate(counts)]
    for b in product(*(range(c + 1) for c in rest)):
        if list(b) == rest:
            continue
        block = [bi + (i == 0) for i, bi in enumerate(b)]
        complement = _moment_of(types, [c - bi for c, bi in zip(counts, block)])
        if not nonzero(complement):
            continue
        ways = 1
        for c, bi in zip(rest, b):
            ways *= comb(c, bi)
        for factors, k in _cumulant(_moment_of(types, block), symmetry):
            key = _sorted(factors + (complement,))
            out[key] = out.get(key, 0) - ways * k
    return tuple((k, v) for k, v in out.items() if v != 0)


def cumulant(moment: Moment, symmetry: str = "broken") -> MomentPoly:
    """The joint cumulant of the moment's elements as a polynomial in moments (U(1)-vanishing ones
    dropped when ``symmetry == "u1"``)."""
    return dict(_cumulant(moment, symmetry))


def _u1(m: Moment) -> bool:
    return m.charge == 0


def _everything(m: Moment) -> bool:
    return True


def nonzero_filter(symmetry: str) -> Callable[[Moment], bool]:
    """Which moments can be non-zero: all ("broken"), or those of U(1) charge 0 ("u1")."""
    return _u1 if symmetry == "u1" else _everything


def closure(moment: Moment, nonzero: Callable[[Moment], bool]) -> MomentPoly:
    """⟨moment⟩ ≈ Σ coefficient · Π factors, as {sorted factors: integer coefficient}.

    ``nonzero`` says which moments may be non-zero: every moment, or those of U(1) charge 0 (the two
    variants: the functions :func:`nonzero_filter` returns, computed by the memoised recursion); any
    other filter falls back to the partition sum.
    """
    symmetry = {_u1: "u1", _everything: "broken"}.get(nonzero)  # type: ignore[arg-type]
    if symmetry is None:
        return closure_by_partitions(moment, nonzero)
    out = {k: -v for k, v in _cumulant(moment, symmetry) if k != (moment,)}
    return _finish(out)


def closure_coefficient_sum(moment: Moment, nonzero: Callable[[Moment], bool]) -> int:
    """Σ of the closure's coefficients: 1 when nothing vanishes; e.g. 2 for ⟨σ0+σn-σm+σk-⟩ under U(1)."""
    return sum(closure(moment, nonzero).values())
