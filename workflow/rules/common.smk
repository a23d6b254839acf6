# Helpers of the cumex workflow: config check, grid batches, paths, per-job parameters and resources.
# The study logic (grid expansion, batching, overrides per scaling) lives in cumex.config so that the
# CLI, benchmarks and tests expand a study exactly as the workflow does.
from pathlib import Path

from snakemake.exceptions import WorkflowError

from cumex.config import overrides_for, plan_batches, validate_study
from cumex.errors import CumexInputError

try:
    validate_study(config, Path(workflow.basedir) / "config" / "schema.yaml")
except CumexInputError as exc:
    raise WorkflowError(f"invalid study configuration: {exc}") from None

STUDY = config["study"]
RESULTS = f"results/{STUDY}"
BATCHES = plan_batches(config)
FIGURES = ("convergence", "error", "pump_ratio", "stability")


report: "../report/workflow.rst"


wildcard_constraints:
    batch=r"[^/]+/order_[^/]+/(N_\d+|all)(_part\d+)?",


def batch_paths():
    """Every solve job's output file of the study."""
    return [f"{RESULTS}/points/{batch_id}.nc" for batch_id in sorted(BATCHES)]


def dataset_path():
    return f"{RESULTS}/dataset.nc"


def figure_formats():
    return list(config["figures"]["formats"])


def figure_paths():
    return [f"{RESULTS}/figures/{name}.{fmt}" for name in FIGURES for fmt in figure_formats()]


def _batch(wildcards):
    try:
        return BATCHES[wildcards.batch]
    except KeyError:
        raise WorkflowError(
            f"{wildcards.batch!r} is not a batch of study {STUDY!r}; "
            "delete stale files or check batching.points_per_job"
        ) from None


def _derived_order(order):
    """(M, symmetry) when the order's equations come from the cumulant engine, else None."""
    if order == "exact" or (order in ("1", "2") and config["settings"].get("engine", "auto") != "derived"):
        return None
    M, _, broken = order.partition("_")
    return int(M), ("broken" if broken or M == "1" else "u1")


def derived_path(order):
    """The compiled cumulant system a solve job of this order reads (made once per study by `derive`)."""
    M, symmetry = _derived_order(order)
    return f"{RESULTS}/derived/{config['model']}-order{M}-{symmetry}.npz"


def solve_inputs(wildcards):
    """A derived order's solve jobs depend on the compiled system, so each order is derived once."""
    order = _batch(wildcards).order
    return [derived_path(order)] if _derived_order(order) else []


def solve_job(wildcards):
    """Everything one solve job needs; a change of any of it reruns the job (params rerun trigger)."""
    batch = _batch(wildcards)
    settings = dict(config["settings"])
    if _derived_order(batch.order):
        settings["compiled"] = derived_path(batch.order)
    return {
        "model": config["model"],
        "scaling": batch.scaling,
        "order": batch.order,
        "points": [[N, r] for N, r in batch.pairs],
        "overrides": overrides_for(batch.scaling, config["parameters"]),
        "settings": settings,
    }


# Resource estimates per job from its points' N and order (measured on one core, with a margin; README
# "Resources"). exact: the U(1)-reduced Liouvillian has O(N^2) unknowns and its sparse LU fills in beyond.
def _point_seconds(order, N):
    if order == "exact":
        return 0.05 + 1e-7 * N**3  # 0.3 s at N = 150
    if order == "1":
        return 0.5
    return 0.3 + 0.002 * int(order.split("_")[0]) ** 3


def solve_mem_mb(wildcards, attempt):
    """Memory of one solve job in MB (doubling on each retry)."""
    batch = _batch(wildcards)
    mem = 600 + (0.02 * batch.max_N**2 if batch.order == "exact" else 0)
    return int(mem) * attempt


def solve_runtime(wildcards, attempt):
    """Minutes of wall time of one solve job (three times the estimate, at least 5; doubling on each retry)."""
    batch = _batch(wildcards)
    seconds = sum(_point_seconds(batch.order, N) for N, _ in batch.pairs)
    return int(max(5, 3 * seconds / 60 + 2)) * attempt


def figure_outputs():
    """Named outputs of the plot rule: '{figure}_{format}' -> path, the report copy marked with its caption.

    The report shows the PNG (or the first format when PNG is not asked for); the other formats are
    plain files next to it.
    """
    formats = figure_formats()
    shown = "png" if "png" in formats else formats[0]
    outputs = {}
    for name in FIGURES:
        for fmt in formats:
            path = f"{RESULTS}/figures/{name}.{fmt}"
            if fmt == shown:
                path = report(
                    path,
                    caption=f"../report/{name}.rst",
                    category=f"Study {STUDY}",
                    labels={"figure": name.replace("_", " ")},
                )
            outputs[f"{name}_{fmt}"] = path
    return outputs
