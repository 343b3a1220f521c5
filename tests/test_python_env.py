"""The kernel pointed at another Python environment: its packages import, read-only, in the sandbox;
and `codeact doctor` lists what the sandboxed kernel can import."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from codeact.errors import ConfigError
from codeact.kernels.sandbox import SandboxKernel


def _env(root: Path, with_kernel: bool) -> Path:
    """A virtualenv without pip holding its own package, `probe_pkg`; with ipykernel (through a
    .pth file pointing at this environment's packages) when asked."""
    venv.create(root, with_pip=False, symlinks=True)
    [site] = root.glob("lib/python3*/site-packages")
    (site / "probe_pkg").mkdir()
    (site / "probe_pkg" / "__init__.py").write_text("WHERE = __file__\n")
    if with_kernel:
        (site / "host.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return root


def test_the_sandbox_runs_another_environment_read_only(tmp_path: Path) -> None:
    env = _env(tmp_path / "env", with_kernel=True)
    with SandboxKernel(tmp_path / "work", python=str(env), timeout=30) as kernel:
        obs = kernel.execute("import sys, probe_pkg; print(sys.executable); print(probe_pkg.WHERE)")
        assert obs.error is None, obs.output
        executable, where = obs.output.split()
        assert executable.startswith(str(env)) and where.startswith(str(env))
        wrote = kernel.execute(f"open({str(env / 'planted')!r}, 'w')")
        assert wrote.error is not None and "Read-only file system" in wrote.output
    assert not (env / "planted").exists()


def test_an_environment_without_ipykernel_is_refused_in_one_line(tmp_path: Path) -> None:
    env = _env(tmp_path / "bare", with_kernel=False)
    with pytest.raises(ConfigError, match=r"has no ipykernel.*pip install ipykernel"):
        SandboxKernel(python=str(env))
    with pytest.raises(ConfigError, match="no Python interpreter"):
        SandboxKernel(python=str(tmp_path / "nowhere"))


def test_doctor_lists_what_the_kernel_can_import() -> None:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    result = subprocess.run(
        [sys.executable, "-m", "codeact", "doctor"], capture_output=True, text=True, env=env,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "can import" in result.stdout
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines()
            if line.count("│") == 3}  # fmt: skip
    import pandas
    import sklearn

    assert pandas.__version__ in rows["pandas"] and sklearn.__version__ in rows["sklearn"]
