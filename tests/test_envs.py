"""envs/cumex.yaml (conda, for cluster users) lists the same dependencies as pyproject.toml."""

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
        assert isinstance(entry, str), f"unexpected non-conda entry {entry!r} in envs/cumex.yaml"
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
