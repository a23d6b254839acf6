"""Closure at order M: a moment on M + 1 sites from setting its joint cumulant to zero.

The joint cumulant of the operators on sites S is κ(S) = Σ_π (-1)^{|π|-1} (|π|-1)! Π_{B∈π} ⟨B⟩ over
all set partitions π of S (site-based, as in the paper: one operator per site). κ(S) = 0 gives

    ⟨S⟩ = Σ_{π ≠ {S}} (-1)^{|π|} (|π|-1)! Π_{B∈π} ⟨B⟩,

and each block B maps back to its canonical moment. Blocks whose moment vanishes (non-zero U(1) charge
in the symmetric variant) drop the whole product. Example: ⟨σ0+ σn- σm+ σk-⟩ ≈ 2⟨σ0+σn-⟩⟨σm+σk-⟩ (eq. 14).
"""

from __future__ import annotations

from functools import lru_cache
from math import factorial
from typing import Callable

from cumex.cumulants.moments import Moment, canonical

__all__ = ["set_partitions", "closure", "closure_coefficient_sum"]


@lru_cache(maxsize=None)
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


def _sites(moment: Moment) -> tuple[list[str], bool]:
    has_central = moment.central != "I"
    return ([moment.central] if has_central else []) + list(moment.satellites), has_central


def closure(moment: Moment, nonzero: Callable[[Moment], bool]) -> dict[tuple[Moment, ...], int]:
    """⟨moment⟩ ≈ Σ coefficient · Π factors, as {sorted factors: integer coefficient}."""
    labels, has_central = _sites(moment)
    n = len(labels)
    block_moment: dict[int, Moment | None] = {}
    for mask in range(1, 1 << n):
        picked = [labels[i] for i in range(n) if mask >> i & 1]
        if has_central and mask & 1:
            m = canonical(picked[0], picked[1:])
        else:
            m = canonical("I", picked)
        block_moment[mask] = m if nonzero(m) else None
    out: dict[tuple[Moment, ...], int] = {}
    for partition in set_partitions(n):
        size = len(partition)
        if size == 1:
            continue
        factors = []
        for mask in partition:
            m = block_moment[mask]
            if m is None:
                break
            factors.append(m)
        else:
            key = tuple(sorted(factors, key=Moment.sort_key))
            out[key] = out.get(key, 0) + (-1) ** size * factorial(size - 1)
    return {k: v for k, v in out.items() if v != 0}


def closure_coefficient_sum(moment: Moment, nonzero: Callable[[Moment], bool]) -> int:
    """Σ of the closure's coefficients: 1 when nothing vanishes; e.g. 2 for ⟨σ0+σn-σm+σk-⟩ under U(1)."""
    return sum(closure(moment, nonzero).values())
