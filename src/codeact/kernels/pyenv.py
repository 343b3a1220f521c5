"""Another Python environment for the kernel: its interpreter and the folders it lives in.

`--python-env PATH` (or `python=PATH`) runs the kernel with that environment's interpreter, so
its packages are the ones code can import; the sandbox binds its folders read-only. PATH is the
environment's folder (a virtualenv or conda prefix) or its interpreter. It needs ipykernel.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

from codeact.errors import ConfigError

_PROBE = (
    "import json, sys, importlib.util as u; print(json.dumps({'prefixes': sorted({sys.prefix, "
    "sys.base_prefix, sys.exec_prefix}), 'ipykernel': u.find_spec('ipykernel') is not None}))"
)


@dataclass(frozen=True)
class PythonEnv:
    executable: str
    prefixes: tuple[str, ...]


def find_python_env(path: str | Path) -> PythonEnv:
    """The interpreter at `path` (or in `path/bin`), checked to run and to have ipykernel."""
    given = Path(path).expanduser()
    candidates = (
        [given / "bin" / "python3", given / "bin" / "python"] if given.is_dir() else [given]
    )
    executable = next((c for c in candidates if c.is_file()), None)
    if executable is None:
        raise ConfigError(f"--python-env {path}: no Python interpreter there (or in its bin/)")
    try:
        found = subprocess.run(
            [str(executable), "-c", _PROBE], capture_output=True, text=True, timeout=60
        )
        info = json.loads(found.stdout[:100_000])
        prefixes, has_kernel = tuple(info["prefixes"]), bool(info["ipykernel"])
    except (OSError, subprocess.TimeoutExpired, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"--python-env {path}: {executable} did not run: {exc}") from exc
    if not has_kernel:
        raise ConfigError(
            f"--python-env {path} has no ipykernel, which the kernel needs: "
            f"{executable} -m pip install ipykernel"
        )
    return PythonEnv(str(executable.absolute()), prefixes)
