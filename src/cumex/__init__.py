"""cumex: when do mean-field theory and cumulant expansions give the right steady state?

Exact (U(1)-reduced, permutation-symmetric), mean-field and cumulant-expansion steady states of open
collective spin models, with tools to run reproducible parameter studies of them.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cumex")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
