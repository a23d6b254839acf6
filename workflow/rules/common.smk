# Helpers of the cumex workflow: config check, grid batches, paths, per-job parameters and resources.
# The study logic (grid expansion over the model's axes, batching, overrides per scaling) lives in
# cumex.config so that the CLI, benchmarks and tests expand a study exactly as the workflow does.
from snakemake.exceptions import WorkflowError

from cumex.config import (
    BATCH_ID,
    overrides_for,
    plan_batches,
    settings_for,
    study_model,
    validate_study,
)
from cumex.errors import CumexInputError
from cumex.methods import engine_for, parse_method
from cumex.sweep.resources import job_resources

try:
    validate_study(config)
except CumexInputError as exc:
    raise WorkflowError(f"invalid study configuration: {exc}") from None

STUDY = config["study"]
RESULTS = f"results/{STUDY}"
MODEL = study_model(config)
BATCHES = plan_batches(config)
# a dynamics study (study_type: dynamics) evolves every point over `times` and draws the model's dynamics figures
DYNAMICS = config["study_type"] == "dynamics"
FIGURES = tuple(f.name for f in (MODEL.dynamics_figures if DYNAMICS else MODEL.figures))


report: "../report/workflow.rst"


wildcard_constraints:
    batch=BATCH_ID.pattern.removeprefix(r"\A").removesuffix(r"\Z"),
    figure="|".join(FIGURES) or "no_figures",


def batch_paths():
    """Every solve job's output file of the study."""
    return [f"{RESULTS}/points/{batch_id}.nc" for batch_id in sorted(BATCHES)]


def dataset_path():
    return f"{RESULTS}/dataset.nc"


def figure_formats():
    return list(config["figures"]["formats"])


def figure_paths():
    return [
        f"{RESULTS}/figures/{name}.{fmt}"
        for name in FIGURES
        for fmt in figure_formats()
    ]


def _batch(wildcards):
    try:
        return BATCHES[wildcards.batch]
    except KeyError:
        raise WorkflowError(
            f"{wildcards.batch!r} is not a batch of study {STUDY!r}; "
            "delete stale files or check batching.points_per_job"
        ) from None


def _derived(order):
    """(M, symmetry) when the order's equations come from the cumulant engine, else None."""
    method = parse_method(order, MODEL)
    engine = config["settings"].get("engine", "auto")
    if DYNAMICS:
        from cumex.dynamics import dynamics_engine

        chosen = dynamics_engine(MODEL, method, engine)
    else:
        chosen = engine_for(MODEL, method, engine)
    if chosen.name != "cumulants":
        return None
    return method.order, method.symmetry


def derived_path(order):
    """The compiled cumulant system a solve job of this order reads (made once per study by `derive`)."""
    M, symmetry = _derived(order)
    return f"{RESULTS}/derived/{MODEL.name}-order{M}-{symmetry}.npz"


def solve_inputs(wildcards):
    """A derived order's solve jobs depend on the compiled system, so each order is derived once."""
    order = _batch(wildcards).order
    return [derived_path(order)] if _derived(order) else []


def solve_job(wildcards):
    """Everything one solve job needs; a change of any of it reruns the job (params rerun trigger)."""
    batch = _batch(wildcards)
    # only the settings its engine reads (a study's settings are those of all its orders' engines)
    settings = settings_for(
        batch.order, config["settings"], MODEL, config["study_type"]
    )
    if _derived(batch.order):
        settings["compiled"] = derived_path(batch.order)
        # lower orders (Newton starts) are compiled into the study's folder, never the home cache
        settings["cache_dir"] = f"{RESULTS}/derived/cache"
    job = (
        {}
        if not DYNAMICS
        else {"study_type": "dynamics", "times": dict(config["times"])}
    )
    return {
        **job,
        "model": config["model"],
        "scaling": batch.scaling,
        "order": batch.order,
        "axes": list(MODEL.axis_names),
        "points": [list(v) for v in batch.values],
        "overrides": overrides_for(batch.scaling, config["parameters"], MODEL),
        "settings": settings,
    }


# Resource estimates per job from its points, fitted to measurements (cumex.sweep.resources: memory of the
# largest point, time of the batch as solve_batch runs it; capped at cumex.sweep.resources.MEMORY_CAP_MB
# and RUNTIME_CAP_MINUTES; README "Batching and resources"), doubled on each retry.
def _job_resources(wildcards, attempt):
    batch = _batch(wildcards)
    points = [dict(zip(MODEL.axis_names, v)) for v in batch.values]
    return job_resources(
        MODEL,
        batch.order,
        batch.scaling,
        points,
        overrides_for(batch.scaling, config["parameters"], MODEL),
        config["settings"].get("engine", "auto"),
        attempt,
        DYNAMICS,
    )


def solve_mem_mb(wildcards, attempt):
    """Memory of one solve job in MB: its largest point's estimate (doubling on each retry, capped)."""
    return _job_resources(wildcards, attempt)[0]


def solve_runtime(wildcards, attempt):
    """Minutes of wall time of one solve job: 1.5 times the estimate, at least 2 (doubling on each retry, capped)."""
    return _job_resources(wildcards, attempt)[1]


def figure_outputs():
    """Named outputs of the plot job of one figure (wildcard ``figure``), by format: format -> path.

    The report shows the PNG (or the first format when PNG is not asked for) with the figure's
    caption from the model file; the other formats are plain files next to it.
    """
    formats = figure_formats()
    shown = "png" if "png" in formats else formats[0]
    outputs = {}
    for fmt in formats:
        path = f"{RESULTS}/figures/{{figure}}.{fmt}"
        if fmt == shown:
            path = report(
                path,
                caption="../report/figure.rst",
                category=f"Study {STUDY}",
                labels={"figure": "{figure}"},
            )
        outputs[fmt] = path
    return outputs


def figure_caption(wildcards):
    spec = next(
        f
        for f in (*MODEL.figures, *MODEL.dynamics_figures)
        if f.name == wildcards.figure
    )
    return spec.caption or spec.name
