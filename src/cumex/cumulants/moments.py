"""Canonical moments of a many-to-one model with identical satellites.

By permutation symmetry of the satellites, ⟨A_0 ⊗ B_{n1} ⊗ ... ⊗ B_{nk}⟩ on distinct satellites depends
only on the central label A and the multiset {B_1..B_k} of satellite labels (identities dropped).
A moment's order counts operators: one per satellite label, and for the central site one per Pauli
label or p + q for a bosonic a†^p a^q (so for a central spin it is the number of sites touched, the
paper's convention, and for a mode it is the convention of QuantumCumulants.jl). Its adjoint conjugates
every label (P ↔ M, a†^p a^q ↔ a†^q a^p), and ⟨X†⟩ = ⟨X⟩*; a moment equal to its own adjoint is real.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations_with_replacement

from cumex.operators.boson import is_boson
from cumex.operators.labels import ADJOINT, CHARGE, ORDERING, label_adjoint, label_charge, label_key, label_text, label_weight

__all__ = ["Moment", "canonical", "enumerate_moments", "ONE"]


@dataclass(frozen=True, order=True)
class Moment:
    central: str
    satellites: tuple[str, ...]

    # derived values are computed once per instance (the derivation asks for them millions of times);
    # they live in the instance __dict__, outside the dataclass fields that define ==, hash and order
    def _memo(self, name: str, make):
        value = self.__dict__.get(name)
        if value is None:
            value = make()
            object.__setattr__(self, name, value)
        return value

    @property
    def order(self) -> int:
        return self._memo("_order", lambda: label_weight(self.central) + len(self.satellites))

    @property
    def charge(self) -> int:
        return self._memo("_charge", lambda: label_charge(self.central) + sum(CHARGE[s] for s in self.satellites))

    def adjoint(self) -> Moment:
        return self._memo(
            "_adjoint", lambda: canonical(label_adjoint(self.central), [ADJOINT[s] for s in self.satellites])
        )

    @property
    def self_adjoint(self) -> bool:
        return self.adjoint() == self

    def sort_key(self) -> tuple:
        return self._memo(
            "_key", lambda: (self.order, label_key(self.central), tuple(ORDERING[s] for s in self.satellites))
        )

    def representative(self) -> Moment:
        """The one of {self, adjoint} that carries the unknowns (smaller sort key)."""
        return self._memo("_rep", lambda: min(self, self.adjoint(), key=Moment.sort_key))

    def __str__(self) -> str:
        head = [label_text(self.central) if is_boson(self.central) else f"{self.central}0"]
        sites = (head if self.central != "I" else []) + [
            f"{s}{i + 1}" for i, s in enumerate(self.satellites)
        ]
        return "<" + " ".join(sites) + ">" if sites else "1"


ONE = Moment("I", ())


def canonical(central: str, satellites) -> Moment:
    """The canonical moment of a central label and satellite labels on distinct satellites."""
    sats = tuple(sorted((s for s in satellites if s != "I"), key=ORDERING.__getitem__))
    return Moment(central, sats)


def enumerate_moments(order: int, central_kind: str = "spin") -> Iterator[Moment]:
    """All canonical moments of order 1..order (useful for counting; the engine uses reachability)."""
    if central_kind == "spin":
        centrals = ["I", "Z", "P", "M"]
    else:
        centrals = ["I"] + ["A" * p + "a" * (w - p) for w in range(1, order + 1) for p in range(w + 1)]
    for central in centrals:
        k_max = order - label_weight(central)
        for k in range(0, k_max + 1):
            for sats in combinations_with_replacement(("Z", "P", "M"), k):
                m = Moment(central, sats)
                if m.order >= 1:
                    yield m


