"""Command line: solve one grid point of any model, or derive a cumulant system, outside Snakemake.

    cumex solve MODEL --order ORDER [--scaling SCALING] [--AXIS VALUE ...] [--set NAME=VALUE ...]
                [--setting NAME=VALUE ...] --out FILE.nc [--strict] [--quiet]
    cumex derive MODEL --order M [--symmetry u1|broken] [--latex] [--out FILE]
    cumex models                      the registered models, their axes, scalings and orders

MODEL is a registered name (``cumex models``) or a model file ``path/to/file.py:NAME``. The axes of the
model are options of their own (central_spin: ``--N 50 --pump-ratio 0.75``; lmg_dimer: ``--J 1 --lambda 0.5``);
``--set AXIS=VALUE`` works for an axis too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
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
    from cumex.models import model_names

    parser = argparse.ArgumentParser(
        prog="cumex",
        description="Exact, mean-field and cumulant-expansion steady states of open collective spin models.",
    )
    parser.add_argument("--version", action="version", version=f"cumex {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log solver progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    solve = sub.add_parser("solve", help="solve one grid point and write one NetCDF file",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=_model_help())
    solve.add_argument("model", help=f"a registered model ({', '.join(model_names())}) or path/to/file.py:NAME")
    solve.add_argument("--order", required=True, help="'exact', 'limit', a cumulant order M (1 = mean-field), or 'M_broken'")
    solve.add_argument("--scaling", help="how parameters scale with N (default: the model's default scaling)")
    if model is not None:
        from cumex.models import get_model

        try:
            spec = get_model(model)
        except CumexInputError:
            spec = None
        for axis in spec.axes if spec else ():
            solve.add_argument(f"--{axis.name.replace('_', '-')}", dest=f"axis_{axis.name}", type=_parse_value,
                               help=f"{axis.description} (default {axis.default:g})")
    solve.add_argument("--set", dest="overrides", action="append", type=_key_value, default=[], metavar="NAME=VALUE",
                       help="override a model parameter (repeatable), e.g. --set g=0.5")
    solve.add_argument("--setting", dest="settings", action="append", type=_key_value, default=[], metavar="NAME=VALUE",
                       help="solver setting (repeatable), e.g. --setting timeout_seconds=60 --setting engine=derived")
    solve.add_argument("--out", required=True, help="output NetCDF file (written atomically)")
    solve.add_argument("--strict", action="store_true", help="exit with status 1 when the point failed or timed out")
    solve.add_argument("--quiet", action="store_true", help="print nothing on success")

    derive = sub.add_parser("derive", help="derive (and cache) the cumulant equations of a model")
    derive.add_argument("model", help="a model with operator data for the cumulant engine")
    derive.add_argument("--order", type=int, required=True, help="cumulant order M >= 1")
    derive.add_argument("--symmetry", choices=["u1", "broken"], default="u1", help="keep only U(1)-neutral moments (u1) or all (broken)")
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")
    derive.add_argument("--out", help="also write the compiled system to this cache file")
    derive.add_argument("--quiet", action="store_true", help="do not print the equations")

    sub.add_parser("models", help="list the registered models")
    return parser


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
    from cumex.io import write_dataset
    from cumex.models import get_model
    from cumex.study import solve_point

    out = check_output_path(args.out)
    model = get_model(args.model)
    point = {a.name: getattr(args, f"axis_{a.name}") for a in model.axes if getattr(args, f"axis_{a.name}", None) is not None}
    overrides = {}
    for key, value in args.overrides:
        if key in model.axis_names:
            point[key] = _parse_value(value)
        else:
            overrides[key] = value
    settings = {k: _parse_value(v) for k, v in args.settings}
    ds = solve_point(model=model, order=args.order, scaling=args.scaling, overrides=overrides, settings=settings, **point)
    write_dataset(ds, out)
    status = str(ds["status"].values.ravel()[0])
    if not args.quiet:
        print(summary(ds, model, str(out)))
    return 1 if args.strict and status != "ok" else 0


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
    first = build_parser().parse_known_args(argv)[0] if "solve" in argv else None
    args = build_parser(getattr(first, "model", None)).parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "solve":
            return _solve(args)
        return _derive(args) if args.command == "derive" else _models()
    except CumexInputError as exc:
        print(f"cumex: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
