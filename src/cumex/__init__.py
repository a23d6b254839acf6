"""cumex: when do mean-field theory and cumulant expansions give the right steady state?

Exact (U(1)-reduced, permutation-symmetric), mean-field and cumulant-expansion steady states of open
collective spin models, with tools to run reproducible parameter studies of them.

The public API: :func:`solve_point` (one grid point of any model as a dataset), the models
(:func:`get_model`, :func:`model_names`, :class:`Model` and its parts), the orders (:func:`parse_method`),
cumulant equations (:func:`derive`), the steady-state analysis of ODE systems (:func:`analyse`,
:func:`find_steady_states`) and studies (:func:`load_study`, :func:`grid_points`).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("cumex")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

from cumex.config import grid_points, load_study, validate_study  # noqa: E402
from cumex.cumulants import derive  # noqa: E402
from cumex.methods import Method, parse_method  # noqa: E402
from cumex.models import Axis, FigureSpec, Model, ObservableInfo, Quantity, Scaling, get_model, model_names  # noqa: E402
from cumex.results import MethodResult, SteadyState  # noqa: E402
from cumex.steady import analyse, find_steady_states  # noqa: E402
from cumex.study import solve_point  # noqa: E402

__all__ = [
    "__version__", "solve_point", "get_model", "model_names", "Model", "Axis", "Quantity", "Scaling", "ObservableInfo",
    "FigureSpec", "Method", "parse_method", "derive", "MethodResult", "SteadyState", "analyse", "find_steady_states",
    "load_study", "validate_study", "grid_points",
]
