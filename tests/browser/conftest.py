"""Browser tier (`pytest -m browser`, run by .ci/browser.sh): a tiny study through the workflow, its
`snakemake --report` (single HTML file and zip), and headless Chromium (Debian's package) driven through
the DevTools protocol (browser_cdp.py)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the toy study shared with the default tier

from browser_cdp import Browser, find_chromium  # noqa: E402
from browser_checks import STUDY  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SNAKEFILE = ROOT / "Snakefile"


def _snakemake(workdir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", "--snakefile", str(SNAKEFILE), "--directory", str(workdir),
            "--configfile", str(workdir / "study.yaml"), *args]


def _run(cmds: list[list[str]]) -> None:
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for cmd in cmds]
    for cmd, proc in zip(cmds, procs):
        out, _ = proc.communicate(timeout=900)
        assert proc.returncode == 0, f"{' '.join(cmd[3:])} failed:\n{out[-4000:]}"


@pytest.fixture(scope="session")
def study_run(tmp_path_factory) -> Path:
    """The study run by Snakemake, then its report as one HTML file and as a zip (unpacked), side by side."""
    workdir = tmp_path_factory.mktemp("browser_study")
    (workdir / "study.yaml").write_text(yaml.safe_dump(STUDY))
    _run([_snakemake(workdir, "--cores", "2")])
    results = workdir / "results" / STUDY["study"]
    _run([_snakemake(workdir, "--nolock", "--report", str(results / "report.html")),
          _snakemake(workdir, "--nolock", "--report", str(results / "report.zip"))])
    with zipfile.ZipFile(results / "report.zip") as archive:
        archive.extractall(results / "report_zip")
    return results


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        pytest.fail("no chromium on PATH: run `bash .ci/browser.sh` (installs Debian's chromium) or apt-get install chromium")
    return path


@pytest.fixture()
def browser(chromium: str):
    with Browser(chromium, width=1300, height=1000) as b:
        yield b
