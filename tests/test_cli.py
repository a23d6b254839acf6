"""`cumex solve`'s output: the one-line summary, --quiet, -v progress logs, batches with a counter."""

from __future__ import annotations

import logging
import re

import numpy as np
import pytest

from cumex.cli import main
from cumex.cumulants.continuation import follow_branch
from cumex.cumulants.solver import central_spin_system
from cumex.io import read_dataset
from cumex.models.central_spin import resolve_parameters
from cumex.steady import find_steady_states
from cumex.study import solve_point

SUMMARY = re.compile(
    r"^(?P<out>\S+.*): status=(?P<status>\w+) central_population=(?P<p0>\S+) states=(?P<states>\d+) "
    r"stable=(?P<stable>\d+) residual=(?P<residual>\S+) time=(?P<time>\S+)s$"
)


def test_summary_is_one_line_with_what_the_file_holds(tmp_path, capsys) -> None:
    out = tmp_path / "x.nc"
    assert main(["solve", "central_spin", "--order", "2", "--N", "4", "--pump-ratio", "0.6", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.err == ""
    lines = printed.out.splitlines()
    assert len(lines) == 1
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    ds = read_dataset(out)
    assert match["out"] == str(out) and match["status"] == "ok"
    assert float(match["p0"]) == pytest.approx(float(ds["central_population"].item()), rel=1e-11)
    assert int(match["states"]) == int(ds["n_steady_states"].item()) >= 1
    assert int(match["stable"]) == int(ds["n_stable"].item())
    assert float(match["residual"]) == pytest.approx(float(ds["residual"].item()), rel=1e-2)
    assert float(match["time"]) == pytest.approx(float(ds["solve_seconds"].item()), rel=1e-2)


def test_quiet_prints_nothing_but_errors(tmp_path, capsys) -> None:
    out = tmp_path / "q.nc"
    assert main(["solve", "central_spin", "--order", "1", "--N", "3", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")
    assert out.is_file()
    assert main(["solve", "central_spin", "--order", "1", "--N", "0", "--out", str(out), "--quiet"]) == 2
    printed = capsys.readouterr()
    assert printed.out == "" and "cumex: error: N: got 0" in printed.err


def test_quiet_and_verbose_exclude_each_other(tmp_path, capsys) -> None:
    assert main(["-v", "solve", "central_spin", "--order", "1", "--out", str(tmp_path / "v.nc"), "--quiet"]) == 2
    assert "exclude each other" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["before", "after"])
def test_verbose_logs_the_exact_cutoff_passes(tmp_path, capsys, where: str) -> None:
    """-v (before or after the subcommand) logs each coherence cutoff K of the exact solver; the last
    K logged is the one the file records."""
    cmd = ["solve", "central_spin", "--order", "exact", "--N", "40", "--out", str(tmp_path / "e.nc")]
    assert main(["-v", *cmd] if where == "before" else [*cmd, "-v"]) == 0
    err = capsys.readouterr().err
    found = re.findall(r"INFO cumex\.exact\.steady: exact N=40: cutoff K=(\d+), observables changed by (\S+),", err)
    ks = [int(k) for k, _ in found]
    assert len(ks) >= 2 and ks == sorted(set(ks))
    assert float(found[-1][1]) <= 1e-10  # the cutoff stopped because the observables settled (cutoff_floor)
    assert "DEBUG" not in err
    assert str(read_dataset(tmp_path / "e.nc")["status"].item()) == "ok"


def test_very_verbose_logs_every_factorisation(tmp_path, capsys) -> None:
    assert main(["-vv", "solve", "central_spin", "--order", "exact", "--N", "40", "--out", str(tmp_path / "e.nc")]) == 0
    err = capsys.readouterr().err
    passes = re.findall(r"DEBUG cumex\.exact\.steady: exact N=40 pass (\d+)", err)
    cutoffs = re.findall(r"cutoff K=", err)
    assert len(passes) >= len(cutoffs) >= 2


def test_without_verbose_no_progress_logs(tmp_path, capsys) -> None:
    assert main(["solve", "central_spin", "--order", "exact", "--N", "40", "--out", str(tmp_path / "e.nc")]) == 0
    assert "cutoff K=" not in capsys.readouterr().err


def test_batch_solves_every_combination_with_a_counter(tmp_path, capsys) -> None:
    """Several values of an axis: the product is solved, a line per point on stdout, a counter on stderr,
    one file holding every point with the values of single solves."""
    out = tmp_path / "batch.nc"
    assert main(["solve", "central_spin", "--order", "1", "--N", "2", "3", "--pump-ratio", "0.5", "0.75", "--out", str(out)]) == 0
    printed = capsys.readouterr()
    lines = printed.out.splitlines()
    assert len(lines) == 4 and all(SUMMARY.match(line) for line in lines)
    counter = re.findall(r"^\[(\d)/4\] N=(\d) pump_ratio=(\S+): ok", printed.err, flags=re.M)
    assert [c[0] for c in counter] == ["1", "2", "3", "4"]
    ds = read_dataset(out)
    assert ds["N"].values.tolist() == [2, 3] and ds["pump_ratio"].values.tolist() == [0.5, 0.75]
    for N in (2, 3):
        for r in (0.5, 0.75):
            single = solve_point(model="central_spin", order="1", N=N, pump_ratio=r)
            got = float(ds["central_population"].sel(N=N, pump_ratio=r).item())
            assert got == pytest.approx(float(single["central_population"].item()), abs=1e-12)


def test_batch_quiet_prints_no_counter(tmp_path, capsys) -> None:
    assert main(["solve", "central_spin", "--order", "1", "--N", "2", "3", "--out", str(tmp_path / "b.nc"), "--quiet"]) == 0
    assert capsys.readouterr() == ("", "")


def test_continuation_logs_each_step(caplog) -> None:
    """follow_branch logs every value it reaches (INFO), with its residual."""

    def at(N: float):
        return central_spin_system("2", resolve_parameters(int(round(N)), "fixed_kappa_over_N", 0.75))

    start = find_steady_states(at(10), settings={}, find_physical=False).fixed_points[0]
    Ns = np.array([10.0, 20.0, 40.0])
    with caplog.at_level(logging.INFO, logger="cumex.cumulants.continuation"):
        points = follow_branch(at, Ns, start.x)
    steps = [r.getMessage() for r in caplog.records if r.name == "cumex.cumulants.continuation"]
    assert [m.split(":")[0] for m in steps] == [f"continuation step {k}/3 to {N:g}" for k, N in enumerate(Ns, 1)]
    for message, point in zip(steps, points, strict=True):
        assert point is not None and f"residual {point.residual:.3g}" in message
