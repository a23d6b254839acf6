"""The project's static checks: ruff and mypy with their pyproject.toml configuration report nothing, the
configuration does catch what it selects, and ``snakemake --lint`` is clean for every shipped study.

ruff takes about a second (default tier). A cold mypy run takes about 45 s and the lint of the nine
studies about 80 s on 2 cores, so those are in the slow tier, which ``.ci/run`` runs for this file.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STUDIES = sorted(p.name for p in (ROOT / "config").glob("*.yaml") if p.name != "schema.yaml")


def _run(*cmd: str, stdin: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *cmd], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=timeout)


def test_ruff_reports_nothing() -> None:
    proc = _run("ruff", "check", "--no-cache", ".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_configuration_catches_what_it_selects() -> None:
    """Through the project configuration: unsorted imports (I), an unused import (F), a mutable default
    (B), a deprecated typing import (UP) and trailing whitespace (W) in a file under src/."""
    select = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]["select"]
    assert {"E", "F", "W", "I", "B", "UP"} <= set(select)
    bad = "import sys\nimport os\nfrom typing import List\n\n\ndef f(x: List[int] = []) -> None:  \n    print(os)\n"
    proc = _run("ruff", "check", "--no-cache", "--output-format", "concise", "--stdin-filename", "src/cumex/_probe.py", "-", stdin=bad)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for code in ("I001", "F401", "B006", "UP035", "W291"):
        assert code in proc.stdout, f"{code} not reported:\n{proc.stdout}"


@pytest.mark.slow
def test_mypy_reports_nothing() -> None:
    proc = _run("mypy")  # files and options from [tool.mypy]: src/cumex, check_untyped_defs
    assert proc.returncode == 0 and "Success" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.slow
def test_mypy_configuration_checks_untyped_bodies(tmp_path: Path) -> None:
    """check_untyped_defs is on: an error inside a function without annotations is reported."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    x: int = 'text'\n    return x\n")
    proc = _run("mypy", "--config-file", str(ROOT / "pyproject.toml"), "--no-incremental", str(probe))
    assert proc.returncode == 1 and "Incompatible types in assignment" in proc.stdout, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def lint_of_every_study() -> dict[str, tuple[int, str]]:
    """``snakemake --lint`` with each shipped study, two at a time."""
    results: dict[str, tuple[int, str]] = {}
    for i in range(0, len(STUDIES), 2):
        procs = {
            name: subprocess.Popen(
                [sys.executable, "-m", "snakemake", "--lint", "--configfile", f"config/{name}"],
                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )
            for name in STUDIES[i:i + 2]
        }
        for name, proc in procs.items():
            out, _ = proc.communicate(timeout=600)
            results[name] = (proc.returncode, out)
    return results


@pytest.mark.slow
@pytest.mark.parametrize("study", STUDIES)
def test_snakemake_lint_is_clean_for_study(study: str, lint_of_every_study) -> None:
    returncode, out = lint_of_every_study[study]
    assert returncode == 0 and "Congratulations" in out, out[-3000:]
