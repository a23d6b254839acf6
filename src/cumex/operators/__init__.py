"""The operator vocabulary that models and engines share (no engine imported here).

- :mod:`.labels`: single-site operators of spin-½ sites (I, Z, P = σ^+, M = σ^-) and their algebra;
- :mod:`.boson`: normal-ordered products a†^p a^q of a boson mode (labels "A"*p + "a"*q) and their algebra;
- :mod:`.polynomial`: exact polynomial coefficients in the parameters and N;
- :mod:`.many_to_one`: a many-to-one model as data (a central site, spin-½ or boson, and N identical
  spin-½ satellites; Hamiltonian terms, jumps with rates, observables, the product initial state), which the
  cumulant engine, the exact engines and the dense brute-force builder read.
"""

from cumex.operators.many_to_one import HamiltonianTerm, Jump, ManyToOneModel, Observable
from cumex.operators.polynomial import Poly

__all__ = ["HamiltonianTerm", "Jump", "ManyToOneModel", "Observable", "Poly"]
