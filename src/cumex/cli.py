"""Command line: solve one grid point, or derive a cumulant system, outside Snakemake.

    cumex solve central_spin --order {exact,1,2,...} --scaling SCALING --N N --pump-ratio R \
        [--set NAME=VALUE ...] [--setting NAME=VALUE ...] --out FILE.nc
    cumex solve lmg_dimer --order {1,exact} --set J=VALUE --set lambda=VALUE [...] --out FILE.nc
    cumex derive central_spin --order M [--symmetry u1|broken] [--latex] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Sequence

from cumex import __version__
from cumex.errors import CumexInputError
from cumex.models.central_spin import BASE_DEFAULTS, SCALING_DEFAULTS, SCALINGS

__all__ = ["main", "build_parser"]


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    return key.strip(), value.strip()


def _parse_value(text: str):
    """A --setting value: JSON where it parses (numbers, true/false, null, lists), else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _defaults_help() -> str:
    lines = ["parameter defaults: " + ", ".join(f"{k}={v:g}" for k, v in BASE_DEFAULTS.items())]
    for scaling, defaults in SCALING_DEFAULTS.items():
        lines.append(f"  {scaling}: " + ", ".join(f"{k}={v:g}" for k, v in defaults.items()))
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cumex",
        description="Exact, mean-field and cumulant-expansion steady states of open collective spin models.",
    )
    parser.add_argument("--version", action="version", version=f"cumex {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log solver progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    solve = sub.add_parser(
        "solve",
        help="solve one grid point and write one NetCDF file",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=_defaults_help(),
    )
    solve.add_argument("model", choices=["central_spin", "lmg_dimer"], help="the model")
    solve.add_argument(
        "--order", required=True,
        help="'exact', a cumulant order 1..8 (1 = mean-field), or 'M_broken' for a symmetry-broken order M",
    )
    solve.add_argument("--scaling", default="fixed_kappa_over_N", choices=SCALINGS, help="how g and kappa scale with N (central_spin)")
    solve.add_argument("--N", type=int, default=10, help="number of satellite spins (central_spin; default 10)")
    solve.add_argument("--pump-ratio", type=float, default=0.75, help="Gamma_up / Gamma_T in [0, 1] (central_spin; default 0.75)")
    solve.add_argument(
        "--set", dest="overrides", action="append", type=_key_value, default=[], metavar="NAME=VALUE",
        help="override a model parameter (repeatable), e.g. --set g=0.5",
    )
    solve.add_argument(
        "--setting", dest="settings", action="append", type=_key_value, default=[], metavar="NAME=VALUE",
        help="solver setting (repeatable), e.g. --setting timeout_seconds=60 --setting engine=derived",
    )
    solve.add_argument("--out", required=True, help="output NetCDF file (written atomically)")

    derive = sub.add_parser("derive", help="derive (and cache) the cumulant equations of a model")
    derive.add_argument("model", choices=["central_spin"], help="the model")
    derive.add_argument("--order", type=int, required=True, help="cumulant order M >= 1")
    derive.add_argument("--symmetry", choices=["u1", "broken"], default="u1", help="keep only U(1)-neutral moments (u1) or all (broken)")
    derive.add_argument("--latex", action="store_true", help="print LaTeX instead of plain text")
    derive.add_argument("--out", help="also write the compiled system to this cache file")
    derive.add_argument("--quiet", action="store_true", help="do not print the equations")
    return parser


def _solve(args) -> int:
    from cumex.io import write_dataset

    overrides = {k: v for k, v in args.overrides}
    settings = {k: _parse_value(v) for k, v in args.settings}
    if args.model == "central_spin":
        from cumex.study import solve_point

        ds = solve_point(
            model="central_spin", order=args.order, scaling=args.scaling, N=args.N,
            pump_ratio=args.pump_ratio, overrides=overrides, settings=settings,
        )
    else:
        from cumex.lmg.dataset import solve_point as solve_lmg_point

        ds = solve_lmg_point(args.order, overrides, settings)
    write_dataset(ds, args.out)
    status = str(ds["status"].values.ravel()[0])
    print(f"{args.out}: status={status}")
    return 0


def _derive(args) -> int:
    from cumex.cumulants import derive, write_compiled

    system = derive(args.model, args.order, args.symmetry)
    if not args.quiet:
        print(system.to_latex() if args.latex else system.to_text())
    if args.out:
        write_compiled(args.out, args.model, args.order, args.symmetry)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        return _solve(args) if args.command == "solve" else _derive(args)
    except CumexInputError as exc:
        print(f"cumex: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
