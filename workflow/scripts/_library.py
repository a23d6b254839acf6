"""Make ``cumex`` importable in a job's environment.

With ``--software-deployment-method conda`` a job runs in the environment of envs/cumex.yaml, which
installs cumex editable from this checkout. Where cumex is not importable all the same (an environment
made by hand with the dependencies only), the library is taken from this checkout's ``src/`` (the
checkout the workflow runs from). Where cumex is installed, nothing changes.
"""

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("cumex") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))
