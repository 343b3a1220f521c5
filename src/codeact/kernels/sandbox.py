"""`sandbox` kernel (the default): the local Jupyter kernel launched inside bubblewrap.

Code written by an LLM sees: a read-only system (/usr and the Python installation), its own
writable workspace at /workspace, a private size-capped /tmp, a new pid, network (loopback only),
ipc and uts namespace, uid 1000 without capabilities, and an environment built from an allowlist
(nothing is copied from the host). Memory, processes and CPU are capped by per-session cgroups
where they are writable, and by rlimits always. The kernel channels use IPC sockets in a runtime
directory bound into the sandbox, and interrupts are sent as messages (signals cannot cross the
pid namespace). Tools still run on the host, reached over the stdin channel (tools/bridge.py).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeact.errors import ConfigError
from codeact.kernels.cgroups import SessionCgroups
from codeact.kernels.isolation import TIERS, IsolationReport, bwrap_path, probe
from codeact.kernels.jupyter import JupyterKernel, LaunchSpec
from codeact.kernels.quota import WorkspaceQuota
from codeact.kernels.seccomp import seccomp_program

log = logging.getLogger(__name__)

SANDBOX_UID = 1000
WORKSPACE = "/workspace"
ETC_ALLOWLIST = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl", "ca-certificates", "fonts",
    "localtime", "alternatives", "mime.types", "nsswitch.conf", "matplotlibrc",
)  # fmt: skip
ENV_PASSTHROUGH = ("LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
MiB = 1024 * 1024


@dataclass
class Limits:
    """Resource caps for one session. None means no cap."""

    memory_mb: int | None = 2048
    processes: int | None = 64
    cpu_cores: float | None = None
    file_size_mb: int | None = 1024
    tmp_size_mb: int = 512
    open_files: int = 1024
    # total size of the workspace: a size-capped tmpfs, for workspaces the kernel creates itself
    # when running as root (see WorkspaceQuota)
    workspace_mb: int | None = 1024


class SandboxKernel(JupyterKernel):
    """A JupyterKernel whose process runs in a bubblewrap sandbox with resource limits."""

    name = "sandbox"

    def __init__(
        self,
        workdir: str | Path | None = None,
        *,
        limits: Limits | None = None,
        min_tier: str = "namespaces",
        allow_unsandboxed: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(workdir, **options)
        self.limits = limits or Limits()
        self.report = probe()
        self.tier = _choose_tier(self.report, min_tier, allow_unsandboxed)
        self._cgroups = SessionCgroups(
            memory_bytes=self.limits.memory_mb * MiB if self.limits.memory_mb else None,
            max_pids=self.limits.processes,
            cpu_cores=self.limits.cpu_cores,
        )
        self._cgroup_procs: list[Path] | None = None
        self._seccomp_file: Path | None = None
        self._quota: WorkspaceQuota | None = None

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=self.kernel_argv(),
            env=self._environment(),
            transport="ipc",
            interrupt_mode="message",
            wrap=self._wrap,
        )

    def start(self) -> None:
        if self._km is None and self._quota is None:
            self._quota = WorkspaceQuota.mount(
                self.workdir, self.limits.workspace_mb, self._own_workdir
            )
        super().start()

    def shutdown(self) -> None:
        try:
            super().shutdown()
        finally:
            if self._quota is not None:
                self._quota.unmount()
                self._quota = None
            self._cgroups.remove()
            if self._seccomp_file is not None:
                self._seccomp_file.unlink(missing_ok=True)
                self._seccomp_file = None

    # --- the launch command ---------------------------------------------------------------

    def _wrap(self, kernel_cmd: list[str]) -> list[str]:
        inner = self._bwrap(kernel_cmd) if self.tier != "process" else kernel_cmd
        return self._join_cgroups(self._rlimits() + inner)

    def _join_cgroups(self, cmd: list[str]) -> list[str]:
        if self.tier != "full":
            return cmd
        if self._cgroup_procs is None:
            self._cgroup_procs = self._cgroups.create(list(self.report.controllers))
        join = 'for f in "$@"; do [ "$f" = -- ] && break; echo $$ > "$f" || exit 97; shift; done; shift; exec "$@"'
        return ["/bin/sh", "-c", join, "sh", *map(str, self._cgroup_procs), "--", *cmd]

    def _rlimits(self) -> list[str]:
        lim = self.limits
        args = ["prlimit", f"--nofile={lim.open_files}", "--core=0"]
        if lim.processes:
            args.append(f"--nproc={lim.processes}")
        if lim.file_size_mb:
            args.append(f"--fsize={lim.file_size_mb * MiB}")
        if lim.memory_mb and "memory" not in self.report.controllers:
            # address-space cap only as a fallback: cgroups count real memory, this counts mappings
            args.append(f"--as={lim.memory_mb * MiB * 2}")
        return [*args, "--"]

    def _bwrap(self, kernel_cmd: list[str]) -> list[str]:
        args = [
            str(bwrap_path()),
            # --disable-userns: no nested user namespaces (they would allow new mounts inside)
            "--unshare-user", "--disable-userns", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "sandbox",
            "--die-with-parent", "--new-session", "--clearenv",
        ]  # fmt: skip
        for key, value in self._environment().items():
            args += ["--setenv", key, value]
        # the private /tmp first: binds below it (a virtualenv under /tmp, the runtime dir) must
        # land on top of it, not be hidden by it
        args += ["--size", str(self.limits.tmp_size_mb * MiB), "--tmpfs", "/tmp"]
        args += _system_mounts(self.python_env.prefixes if self.python_env else ())
        # /proc/sys read-only: the sandbox's uid maps to the host's, and when that is root the
        # host-wide sysctls (kernel.core_pattern, ...) would otherwise be writable from inside
        args += ["--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys", "--dev", "/dev"]
        args += ["--bind", str(self.workdir), WORKSPACE, "--chdir", WORKSPACE]
        args += ["--bind", str(self.runtime_dir), str(self.runtime_dir)]
        args += ["--remount-ro", "/"]
        # the seccomp program reaches bwrap as fd 3, opened by a shell from a host-only file
        args += ["--seccomp", "3"]
        return [
            "/bin/sh",
            "-c",
            'exec "$@" 3< "$0"',
            str(self._seccomp_path()),
            *args,
            "--",
            *kernel_cmd,
        ]

    def _seccomp_path(self) -> Path:
        """A file outside every sandbox holding the seccomp program (see `seccomp_program`)."""
        if self._seccomp_file is None:
            fd, name = tempfile.mkstemp(prefix="codeact-seccomp-", suffix=".bpf")
            with os.fdopen(fd, "wb") as f:
                f.write(seccomp_program())
            self._seccomp_file = Path(name)
        return self._seccomp_file

    def _environment(self) -> dict[str, str]:
        """The allowlisted environment: nothing from the host except locale and BLAS settings."""
        env = {
            "PATH": f"{Path(self.kernel_argv()[0]).parent}:/usr/local/bin:/usr/bin:/bin",
            "HOME": WORKSPACE if self.tier != "process" else str(self.workdir),
            "USER": "sandbox",
            "TMPDIR": "/tmp",
            "IPYTHONDIR": "/tmp/.ipython",
            "MPLCONFIGDIR": "/tmp/.matplotlib",
            "XDG_CACHE_HOME": "/tmp/.cache",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYTHONUNBUFFERED": "1",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        env.update({k: os.environ[k] for k in ENV_PASSTHROUGH if k in os.environ})
        return env

    def _exit_reason(self) -> str:
        # bwrap reports a child killed by signal N as exit status 128 + N
        proc = getattr(self._km.provisioner, "process", None) if self._km else None
        code = proc.poll() if proc is not None else None
        if code is not None and code > 128:
            try:
                return f"killed by {signal.Signals(code - 128).name}"
            except ValueError:
                pass
        return super()._exit_reason()


# The kernel keyrings are not namespaced: a sandbox whose uid maps to the host's could read (or
# link and then read) the host user's keys. add_key, request_key and keyctl fail with EPERM.
def _system_mounts(extra_prefixes: Sequence[str] = ()) -> list[str]:
    """Read-only binds of what Python needs: /usr, merged-/usr symlinks, the interpreter, a few /etc files."""
    args: list[str] = ["--ro-bind", "/usr", "/usr"]
    for top in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = Path("/") / top
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ETC_ALLOWLIST:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    for prefix in _python_prefixes(extra_prefixes):
        args += ["--ro-bind", prefix, prefix]
    return args


def _python_prefixes(extra: Sequence[str] = ()) -> list[str]:
    """The interpreter's installation and the virtualenv, plus those of another environment the
    kernel runs with (`python=`), unless /usr already covers them."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, *extra)}
    prefixes.add(
        os.path.realpath(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    )
    return sorted(p for p in prefixes if not p.startswith("/usr/") and p != "/usr")


def _choose_tier(report: IsolationReport, min_tier: str, allow_unsandboxed: bool) -> str:
    if min_tier not in TIERS:
        raise ConfigError(f"unknown isolation tier {min_tier!r}; choose from {', '.join(TIERS)}")
    if report.tier == "process" and not allow_unsandboxed:
        fixes = "; ".join(report.missing_for("namespaces")) or "see `codeact doctor`"
        raise ConfigError(
            "the sandbox needs bubblewrap with user namespaces, which this machine lacks "
            f"({fixes}). To run code in a plain process with rlimits only, pass "
            "allow_unsandboxed=True (CLI: --allow-unsandboxed)."
        )
    if report.tier == "process":
        warnings.warn(
            "running LLM-written code WITHOUT namespace isolation (separate process + rlimits only)",
            stacklevel=3,
        )
        return "process"
    if not report.at_least(min_tier):
        fixes = "; ".join(report.missing_for(min_tier))
        raise ConfigError(
            f"isolation tier {report.tier!r} is below the required {min_tier!r}: {fixes}"
        )
    return report.tier
