"""envs/cumex.yaml (conda, for cluster users) lists the same dependencies as pyproject.toml and installs cumex.

conda itself is not installed here: the file is checked by parsing it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]


def pyproject_dependencies() -> dict[str, SpecifierSet]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(text) for text in project["dependencies"]]
    deps = {canonicalize_name(r.name): r.specifier for r in requirements}
    deps["python"] = SpecifierSet(project["requires-python"])
    return deps


def conda_dependencies() -> dict[str, SpecifierSet]:
    env = yaml.safe_load((ROOT / "envs" / "cumex.yaml").read_text())
    deps: dict[str, SpecifierSet] = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):  # the pip section: cumex itself (test_env_installs_cumex_itself)
            assert set(entry) == {"pip"}, f"unexpected entry {entry!r} in envs/cumex.yaml"
            continue
        if entry == "pip":
            continue
        # conda match spec: "name >=1.2" or "name>=1.2,<2"; a channel prefix "conda-forge::name" is allowed
        match = re.fullmatch(r"(?:[\w-]+::)?([A-Za-z0-9_.-]+)\s*(.*)", entry.strip())
        assert match, entry
        deps[canonicalize_name(match.group(1))] = SpecifierSet(match.group(2).replace(" ", ""))
    return deps


def test_same_names_and_version_bounds() -> None:
    pip, conda = pyproject_dependencies(), conda_dependencies()
    assert set(conda) == set(pip), f"only in pyproject: {set(pip) - set(conda)}; only in envs/cumex.yaml: {set(conda) - set(pip)}"
    for name, spec in pip.items():
        assert conda[name] == spec, f"{name}: pyproject {spec} vs conda {conda[name]}"


def test_env_uses_conda_forge() -> None:
    env = yaml.safe_load((ROOT / "envs" / "cumex.yaml").read_text())
    assert env["channels"][0] == "conda-forge"


def test_env_installs_cumex_itself() -> None:
    """The pip section installs this checkout editable; conda runs pip from the environment file's folder
    (conda-env's pip installer), so the relative path is taken from envs/."""
    env = yaml.safe_load((ROOT / "envs" / "cumex.yaml").read_text())
    assert "pip" in env["dependencies"], "pip itself must be a conda dependency for the pip section"
    sections = [entry["pip"] for entry in env["dependencies"] if isinstance(entry, dict)]
    assert len(sections) == 1
    editable = [line.split(None, 1)[1] for line in sections[0] if line.startswith("-e ")]
    assert len(editable) == 1, sections
    target = (ROOT / "envs" / editable[0]).resolve()
    assert tomllib.loads((target / "pyproject.toml").read_text())["project"]["name"] == "cumex"
    assert (target / "src" / "cumex" / "__init__.py").is_file()
