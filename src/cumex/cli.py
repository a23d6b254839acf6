"""Command line: solve one grid point of any model, or derive a cumulant system, outside Snakemake.

    cumex [-v|-vv] solve MODEL --order ORDER [--scaling SCALING] [--AXIS VALUE [VALUE ...] ...]
                [--set NAME=VALUE ...] [--setting NAME=VALUE ...] --out FILE.nc [--strict] [--quiet | -v]
    cumex [-v|-vv] evolve MODEL --order ORDER [--scaling S] [--AXIS VALUE ...] [--set NAME=VALUE ...]
                [--setting NAME=VALUE ...] --t-stop T --t-num K --out FILE.nc [--strict] [--quiet | -v]
    cumex derive MODEL --order M [--symmetry u1|broken] [--latex] [--out FILE]
    cumex models                      the registered models, their axes, scalings and orders

MODEL is a registered name (``cumex models``) or a model file ``path/to/file.py:NAME``. The axes of the
model are options of their own (central_spin: ``--N 50 --pump-ratio 0.75``; lmg_dimer: ``--J 1 --lambda 0.5``);
``--set AXIS=VALUE`` works for an axis too. Several values of an axis (``--N 10 20 40``) solve every
combination as one batch written to one file.

Output: one line per point on stdout (where, status, the model's headline observable, steady states found
and stable, residual, time); for a batch a counter on stderr (``[k/n]``, in place on a terminal). ``-v``
logs the solvers' progress to stderr (exact cutoff passes, continuation steps; ``-vv``: every factorisation),
``--quiet`` prints nothing but errors.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from cumex import __version__
from cumex.errors import CumexInputError

__all__ = ["main", "build_parser"]


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    return key.strip(), value.strip()


def _parse_value(text: str):
    """A --setting or axis value: JSON where it parses (numbers, true/false, null, lists), else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _model_help() -> str:
    from cumex.models import get_model, model_names

    lines = ["models:"]
    for name in model_names():
        m = get_model(name)
        lines.append(f"  {name}: axes {', '.join(m.axis_names)}; scalings {', '.join(m.scaling_names)}")
    return "\n".join(lines)


def build_parser(model: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``model``, ``solve`` also has an option per axis of that model."""
    parser = argparse.ArgumentParser(
        prog="cumex",
        description="Exact, mean-field and cumulant-expansion steady states of open collective spin models.",
    )
    parser.add_argument("--version", action="version", version=f"cumex {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log solver progress to stderr (-vv: in detail)")
    sub = parser.add_subparsers(dest="command", required=True)

    solve = sub.add_parser("solve", help="solve one grid point and write one NetCDF file",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_model_help())
    _add_point_options(solve, model, what="solve", order_help="'exact', 'limit', a cumulant order M (1 = mean-field), or 'M_broken'",
                       batch=True, setting_example="--setting timeout_seconds=60 --setting engine=derived")

    _add_evolve(sub, model)

    derive = sub.add_parser("derive", help="derive (and cache) the cumulant equations of a model")
    derive.add_argument("model", help="a model with operator data for the cumulant engine")
    derive.add_argument("--order", type=int, required=True, help="cumulant order M >= 1")
    derive.add_argument("--symmetry", choices=["u1", "broken"], default="u1", help="keep only U(1)-neutral moments (u1) or all (broken)")
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")
    derive.add_argument("--out", help="also write the compiled system to this cache file")
    derive.add_argument("--quiet", action="store_true", help="do not print the equations")

    sub.add_parser("models", help="list the registered models")
    return parser


def _add_point_options(command, model: str | None, *, what: str, order_help: str, batch: bool,
                       setting_example: str) -> None:
    """The options every one-point command shares: the model, --order, --scaling, an option per axis of
    ``model`` (several values: a batch, when ``batch``), --set, --setting, --out, --strict, --quiet, -v."""
    from cumex.models import model_names

    command.add_argument("model", help=f"a registered model ({', '.join(model_names())}) or path/to/file.py:NAME")
    command.add_argument("--order", required=True, help=order_help)
    command.add_argument("--scaling", help="how parameters scale with N (default: the model's default scaling)")
    if model is not None:
        from cumex.models import get_model

        try:
            spec = get_model(model)
        except CumexInputError:
            spec = None
        for axis in spec.axes if spec else ():
            extra = {"nargs": "+", "metavar": "VALUE"} if batch else {}
            command.add_argument(f"--{axis.name.replace('_', '-')}", dest=f"axis_{axis.name}", type=_parse_value,
                                 help=f"{axis.description} (default {axis.default:g}{'; several: a batch' if batch else ''})",
                                 **extra)
    command.add_argument("--set", dest="overrides", action="append", type=_key_value, default=[], metavar="NAME=VALUE",
                         help="override a model parameter (repeatable), e.g. --set g=0.5")
    command.add_argument("--setting", dest="settings", action="append", type=_key_value, default=[], metavar="NAME=VALUE",
                         help=f"solver setting (repeatable), e.g. {setting_example}")
    if what == "evolve":
        command.add_argument("--t-stop", dest="t_stop", type=float, required=True, help="the last output time (> 0)")
        command.add_argument("--t-num", dest="t_num", type=int, required=True,
                             help="number of equally spaced output times from 0 (>= 2)")
    command.add_argument("--out", required=True, help="output NetCDF file (written atomically)")
    failed = "run" if what == "evolve" else "point"
    command.add_argument("--strict", action="store_true", help=f"exit with status 1 when the {failed} failed or timed out")
    command.add_argument("--quiet", action="store_true", help="print nothing but errors")
    # also after the subcommand (SUPPRESS: an absent option must not reset the top-level -v)
    command.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS, help="as cumex -v")


def _add_evolve(sub, model: str | None) -> None:
    """``cumex evolve``: the point options of ``solve`` (one value per axis) plus the time window."""
    evolve = sub.add_parser("evolve", help="evolve one grid point from the model's initial state and write its time traces",
                            formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_model_help())
    _add_point_options(evolve, model, what="evolve", order_help="'exact', 'limit' or a cumulant order the model can evolve",
                       batch=False, setting_example="--setting krylov_tol=1e-12 --setting ode_method=Radau")


def _point_and_overrides(args, model) -> tuple[dict, dict]:
    """Axis values (``--AXIS`` options and ``--set AXIS=VALUE``) and parameter overrides of a point."""
    point = {a.name: getattr(args, f"axis_{a.name}") for a in model.axes if getattr(args, f"axis_{a.name}", None) is not None}
    overrides = {}
    for key, value in args.overrides:
        if key in model.axis_names:
            point[key] = _parse_value(value)
        else:
            overrides[key] = value
    return point, overrides


def _evolve(args) -> int:
    from cumex.dynamics import evolve_dataset, time_grid
    from cumex.io import write_dataset
    from cumex.models import get_model

    out = check_output_path(args.out)
    model = get_model(args.model)
    times = time_grid(args.t_stop, args.t_num)
    point, overrides = _point_and_overrides(args, model)
    settings = {k: _parse_value(v) for k, v in args.settings}
    ds = evolve_dataset(model=model, order=args.order, scaling=args.scaling, times=times, overrides=overrides,
                        settings=settings, **point)
    write_dataset(ds, out)
    status = str(ds["status"].values.ravel()[0])
    if not args.quiet:
        head = ds[model.headline].values.ravel()
        print(f"{out}: status={status} {model.headline}(t={times[-1]:g})={float(head[-1]):.12g} times={times.size} "
              f"time={float(ds['solve_seconds'].values.ravel()[0]):.3g}s"
              + ("" if status == "ok" else f" ({ds['status_detail'].values.ravel()[0]})"))
    return 1 if args.strict and status != "ok" else 0


def check_output_path(out: str) -> Path:
    """The --out path, checked before any work: a file name in an existing, writable folder."""
    if not out or out.endswith(os.sep) or Path(out).is_dir():
        raise CumexInputError("--out", out, "a file path (not a folder, not empty)")
    folder = Path(out).resolve().parent
    if not folder.is_dir():
        raise CumexInputError("--out", out, f"a file in an existing folder ({folder} does not exist)")
    if not os.access(folder, os.W_OK):
        raise CumexInputError("--out", out, f"a file in a folder you can write to ({folder} is not writable)")
    return Path(out)


def _solve(args) -> int:
    from cumex.assemble import assemble
    from cumex.io import write_dataset
    from cumex.models import get_model
    from cumex.study import solve_point

    out = check_output_path(args.out)
    model = get_model(args.model)
    values = {a.name: getattr(args, f"axis_{a.name}") for a in model.axes if getattr(args, f"axis_{a.name}", None) is not None}
    overrides = {}
    for key, value in args.overrides:
        if key in model.axis_names:
            values[key] = [_parse_value(value)]
        else:
            overrides[key] = value
    settings = {k: _parse_value(v) for k, v in args.settings}
    points = [dict(zip(values, combo, strict=True)) for combo in itertools.product(*values.values())]
    progress = _Progress(len(points), enabled=not args.quiet and len(points) > 1)
    solved = []
    for point in points:
        ds = solve_point(model=model, order=args.order, scaling=args.scaling, overrides=overrides, settings=settings, **point)
        solved.append(ds)
        progress.step(" ".join(f"{k}={v}" for k, v in point.items()), str(ds["status"].values.item()))
        if not args.quiet:
            where = str(out) if len(points) == 1 else f"{out} " + " ".join(f"{k}={v}" for k, v in point.items())
            print(summary(ds, model, where), flush=True)
    progress.close()
    write_dataset(solved[0] if len(solved) == 1 else assemble(solved), out)
    failed = sum(str(ds["status"].values.item()) != "ok" for ds in solved)
    return 1 if args.strict and failed else 0


class _Progress:
    """A counter of a batch's points on stderr: in place on a terminal, a line per point otherwise."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.enabled, self.t0 = total, 0, enabled, time.perf_counter()
        self.in_place = enabled and sys.stderr.isatty()

    def step(self, what: str, status: str) -> None:
        self.done += 1
        if not self.enabled:
            return
        line = f"[{self.done}/{self.total}] {what}: {status} ({time.perf_counter() - self.t0:.1f} s)"
        print(("\r\033[K" + line) if self.in_place else line, end="" if self.in_place else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.in_place:
            print(file=sys.stderr)


def summary(ds, model, out: str) -> str:
    """One line: where, status, the headline observable, states found and stable, residual, time."""
    def item(name):
        return ds[name].values.ravel()[0]

    head = float(item(model.headline))
    return (f"{out}: status={item('status')} {model.headline}={head:.12g} states={int(item('n_steady_states'))} "
            f"stable={int(item('n_stable'))} residual={float(item('residual')):.3g} time={float(item('solve_seconds')):.3g}s"
            + ("" if item("status") == "ok" else f" ({item('status_detail')})"))


def _derive(args) -> int:
    from cumex.cumulants import derive, write_compiled

    system = derive(args.model, args.order, args.symmetry)
    if not args.quiet:
        print(system.to_latex() if args.latex else system.to_text())
    if args.out:
        write_compiled(args.out, args.model, args.order, args.symmetry)
    return 0


def _models() -> int:
    print(_model_help())
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    first = build_parser().parse_known_args(argv)[0] if {"solve", "evolve"} & set(argv) else None
    args = build_parser(getattr(first, "model", None)).parse_args(argv)
    quiet = getattr(args, "quiet", False)
    if quiet and args.verbose:
        print("cumex: error: --quiet and -v exclude each other", file=sys.stderr)
        return 2
    level = logging.ERROR if quiet else {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    with _logging_to_stderr(level):
        try:
            if args.command == "solve":
                return _solve(args)
            if args.command == "evolve":
                return _evolve(args)
            return _derive(args) if args.command == "derive" else _models()
        except CumexInputError as exc:
            print(f"cumex: error: {exc}", file=sys.stderr)
            return 2


@contextlib.contextmanager
def _logging_to_stderr(level: int):
    """cumex's log records at ``level`` and above to stderr, for this call only (main may run in-process)."""
    log = logging.getLogger("cumex")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    saved = log.level, log.propagate
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]


if __name__ == "__main__":
    sys.exit(main())
