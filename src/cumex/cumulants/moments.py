"""Canonical moments of a many-to-one model with identical satellites.

By permutation symmetry of the satellites, ⟨A_0 ⊗ B_{n1} ⊗ ... ⊗ B_{nk}⟩ on distinct satellites depends
only on the central label A and the multiset {B_1..B_k} of satellite labels (identities dropped).
A moment's order is the number of sites it touches. Its adjoint conjugates every label (P ↔ M), and
⟨X†⟩ = ⟨X⟩*; a moment equal to its own adjoint is real.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations_with_replacement
from typing import Iterator

from cumex.cumulants.operators import ADJOINT, CHARGE, ORDERING

__all__ = ["Moment", "canonical", "enumerate_moments", "ONE"]


@dataclass(frozen=True, order=True)
class Moment:
    central: str
    satellites: tuple[str, ...]

    @property
    def order(self) -> int:
        return (self.central != "I") + len(self.satellites)

    @property
    def charge(self) -> int:
        return CHARGE[self.central] + sum(CHARGE[s] for s in self.satellites)

    def adjoint(self) -> "Moment":
        return canonical(ADJOINT[self.central], [ADJOINT[s] for s in self.satellites])

    @property
    def self_adjoint(self) -> bool:
        return self.adjoint() == self

    def sort_key(self) -> tuple:
        return (self.order, ORDERING[self.central], tuple(ORDERING[s] for s in self.satellites))

    def representative(self) -> "Moment":
        """The one of {self, adjoint} that carries the unknowns (smaller sort key)."""
        adj = self.adjoint()
        return min(self, adj, key=Moment.sort_key)

    def __str__(self) -> str:
        sites = ([f"{self.central}0"] if self.central != "I" else []) + [
            f"{s}{i + 1}" for i, s in enumerate(self.satellites)
        ]
        return "<" + " ".join(sites) + ">" if sites else "1"


ONE = Moment("I", ())


def canonical(central: str, satellites) -> Moment:
    """The canonical moment of a central label and satellite labels on distinct satellites."""
    sats = tuple(sorted((s for s in satellites if s != "I"), key=ORDERING.__getitem__))
    return Moment(central, sats)


def enumerate_moments(order: int) -> Iterator[Moment]:
    """All canonical moments of order 1..order (useful for counting; the engine uses reachability)."""
    for central in ("I", "Z", "P", "M"):
        k_max = order - (central != "I")
        for k in range(0, k_max + 1):
            for sats in combinations_with_replacement(("Z", "P", "M"), k):
                m = Moment(central, sats)
                if m.order >= 1:
                    yield m


