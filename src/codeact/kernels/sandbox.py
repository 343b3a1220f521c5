"""`sandbox` kernel (the default): the local Jupyter kernel launched inside bubblewrap.

Code written by an LLM sees: a read-only system (/usr and the Python installation), its own
writable workspace at /workspace, a private size-capped /tmp, a new pid, network (loopback only),
ipc and uts namespace, no capabilities, a seccomp filter (seccomp.py), masked /proc files, and an
environment built from an allowlist (nothing is copied from the host).

Who the code runs as on the host:
- codeact as root: bubblewrap runs privileged (no user namespace) and `setpriv` drops to a host
  uid of the session's own (slots.py) before Python starts. Files the sandbox leaves are owned by
  that uid, never by root; its processes and per-user kernel resources are its own.
- codeact as an ordinary user: an unprivileged user namespace maps the sandbox's uid 1000 to
  that user.

Memory, processes and CPU share are capped by per-session cgroups where they are writable, and by
rlimits always. The kernel's channels are IPC sockets in the session's host-only slot folder; the
connection file is bound read-only, and the socket folder stops being writable once the kernel is
ready, so nothing the host opens later can be swapped by the sandbox. Interrupts are messages
(signals cannot cross the pid namespace). Tools run on the host, over the stdin channel.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeact.errors import ConfigError
from codeact.kernels import hostfs, slots
from codeact.kernels.cgroups import SessionCgroups
from codeact.kernels.isolation import TIERS, IsolationReport, bwrap_path, probe
from codeact.kernels.jupyter import JupyterKernel, LaunchSpec, RuntimePaths
from codeact.kernels.mounts import mount_tmpfs, mount_workspace, nosuid_bind
from codeact.kernels.seccomp import seccomp_program, supported

log = logging.getLogger(__name__)

NAMESPACE_UID = 1000  # the sandbox's uid inside its user namespace (non-root hosts)
WORKSPACE = "/workspace"
ETC_ALLOWLIST = (
    "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "ssl", "ca-certificates", "fonts",
    "localtime", "alternatives", "mime.types", "nsswitch.conf", "matplotlibrc",
)  # fmt: skip
ENV_PASSTHROUGH = ("LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
# /proc entries that leak host-wide kernel state (keys, memory layout, config), masked as the
# container runtimes do: files by /dev/null, folders by an empty tmpfs
MASKED_PROC_FILES = (
    "keys", "key-users", "kcore", "kallsyms", "slabinfo", "kpageflags", "kpagecount",
    "kpagecgroup", "vmallocinfo", "config.gz", "timer_list", "timer_stats", "sched_debug",
    "latency_stats", "pagetypeinfo", "iomem", "ioports", "sysrq-trigger", "modules",
)  # fmt: skip
MASKED_PROC_DIRS = ("acpi", "asound", "scsi", "driver", "bus", "irq")
MiB = 1024 * 1024
# folders a caller's workspace may not be: they would be lent to the sandbox's uid
SYSTEM_FOLDERS = {"/", "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc",
                  "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var"}  # fmt: skip
SOCKET_DIR_OPTIONS = "size=1m,nr_inodes=64,mode=0755,nosuid,nodev,noexec"

_stale_reclaimed = threading.Event()


@dataclass
class Limits:
    """Resource caps for one session. None means no cap."""

    memory_mb: int | None = 2048
    processes: int | None = 64
    cpu_cores: float | None = None  # a hard cap; every session also gets an equal CPU share
    file_size_mb: int | None = 1024
    tmp_size_mb: int = 512
    open_files: int = 1024
    # total size of the workspace: a size-capped tmpfs, for workspaces the kernel creates itself
    # when running as root (see mounts.py)
    workspace_mb: int | None = 1024
    message_queue_bytes: int = 256 * 1024  # RLIMIT_MSGQUEUE (the default hard limit is 800 KiB)
    pending_signals: int = 1024  # RLIMIT_SIGPENDING


class SandboxKernel(JupyterKernel):
    """A JupyterKernel whose process runs in a bubblewrap sandbox with resource limits."""

    name = "sandbox"

    def __init__(
        self,
        workdir: str | Path | None = None,
        *,
        limits: Limits | None = None,
        min_tier: str = "namespaces",
        tier: str | None = None,
        allow_unsandboxed: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(workdir, **options)
        self.limits = limits or Limits()
        self.report = probe()
        self.tier = _choose_tier(self.report, min_tier, allow_unsandboxed, exact=tier)
        self._cgroups = SessionCgroups(
            memory_bytes=self.limits.memory_mb * MiB if self.limits.memory_mb else None,
            max_pids=self.limits.processes,
            cpu_cores=self.limits.cpu_cores,
        )
        self._cgroup_procs: list[Path] | None = None
        self.slot: slots.Slot | None = None

    @property
    def host_uid(self) -> int | None:
        """The host uid the sandboxed code runs as, when codeact runs as root."""
        return self.slot.uid if self.slot is not None and self.tier != "process" else None

    @property
    def sandbox_uid(self) -> int:
        """The uid the code sees inside the sandbox."""
        if self.tier == "process":
            return os.geteuid()
        return self.host_uid if self.host_uid is not None else NAMESPACE_UID

    def launch_spec(self) -> LaunchSpec:
        return LaunchSpec(
            argv=self.kernel_argv(),
            env=self._environment(),
            transport="ipc",
            interrupt_mode="message",
            wrap=self._wrap,
        )

    def runtime_paths(self) -> RuntimePaths:
        assert self.slot is not None
        self.runtime_dir = self.slot.dir
        return RuntimePaths(self.slot.dir / "kernel.json", self.socket_dir / "kernel")

    @property
    def socket_dir(self) -> Path:
        assert self.slot is not None
        return self.slot.dir / "sock"

    def start(self) -> None:
        if self._km is not None:
            return
        if self.slot is None:
            if not _stale_reclaimed.is_set():
                _stale_reclaimed.set()
                slots.reclaim_stale()
            self.slot = slots.acquire()
            try:
                self._prepare_sockets(self.slot)
                self._prepare_workspace(self.slot)
            except BaseException:
                self._release_files()
                raise
        if self.host_uid is not None:
            self.file_owner = (self.host_uid, self.host_uid)
        super().start()

    def _connect(self) -> None:
        super()._connect()
        if self.host_uid is not None:
            # the kernel has bound its sockets: from now on the sandbox cannot replace them
            self.socket_dir.chmod(0o755)

    def _release_files(self) -> None:
        if self.slot is not None:
            self.slot.release()
            self.slot = None
        self.runtime_dir = None
        self._cgroup_procs = None
        self._cgroups.dirs.clear()

    # --- the slot's socket folder and the workspace ---------------------------------------------

    def _prepare_sockets(self, slot: slots.Slot) -> None:
        """The one folder of the slot the sandbox sees writable (and only while its kernel starts):
        as root a tiny nosuid, nodev, noexec tmpfs of its own."""
        self.socket_dir.mkdir(mode=0o755, exist_ok=True)
        if os.geteuid() == 0 and mount_tmpfs(self.socket_dir, SOCKET_DIR_OPTIONS):
            slot.record_mount(self.socket_dir)

    def _prepare_workspace(self, slot: slots.Slot) -> None:
        """Make the workspace the sandbox's, recording each step so that release undoes it."""
        uid = self.host_uid
        if self._own_workdir:
            slot.record_removal(self.workdir)
            if mount_workspace(self.workdir, self.limits.workspace_mb, uid):
                slot.record_mount(self.workdir)
            elif uid is not None:
                hostfs.lend(self.workdir, uid, uid)
            return
        if str(self.workdir) in SYSTEM_FOLDERS:
            raise ConfigError(f"the workspace cannot be {self.workdir}: give a project folder")
        info = os.stat(self.workdir)
        slot.record_lent(self.workdir, (info.st_uid, info.st_gid))
        if uid is not None:
            if nosuid_bind(self.workdir):
                slot.record_mount(self.workdir)
            hostfs.lend(self.workdir, uid, uid)

    # --- the launch command ---------------------------------------------------------------

    def _wrap(self, kernel_cmd: list[str]) -> list[str]:
        """Called at every (re)start: clear what is left of the last kernel, then the command."""
        assert self.slot is not None
        self.slot.kill_processes()
        if self.host_uid is not None:
            # the new kernel binds its sockets here; closed again once it is ready (_connect)
            self.socket_dir.chmod(0o777)
            # readable by the sandbox's uid, bound read-only; the slot folder stays 0700 on the host
            (self.slot.dir / "kernel.json").chmod(0o644)
        inner = self._bwrap(kernel_cmd) if self.tier != "process" else kernel_cmd
        return self._join_cgroups(self._rlimits() + inner)

    def _join_cgroups(self, cmd: list[str]) -> list[str]:
        if self.tier != "full":
            return cmd
        if self._cgroup_procs is None:
            assert self.slot is not None
            self._cgroup_procs = self._cgroups.create(
                list(self.report.controllers), on_create=self.slot.record_cgroup
            )
        join = 'for f in "$@"; do [ "$f" = -- ] && break; echo $$ > "$f" || exit 97; shift; done; shift; exec "$@"'
        return ["/bin/sh", "-c", join, "sh", *map(str, self._cgroup_procs), "--", *cmd]

    def _rlimits(self) -> list[str]:
        lim = self.limits
        args = ["prlimit", f"--nofile={lim.open_files}", "--core=0"]
        args += [f"--msgqueue={lim.message_queue_bytes}", f"--sigpending={lim.pending_signals}"]
        if lim.processes:
            args.append(f"--nproc={lim.processes}")
        if lim.file_size_mb:
            args.append(f"--fsize={lim.file_size_mb * MiB}")
        if lim.memory_mb and "memory" not in self.report.controllers:
            # address-space cap only as a fallback: cgroups count real memory, this counts mappings
            args.append(f"--as={lim.memory_mb * MiB * 2}")
        return [*args, "--"]

    def _bwrap(self, kernel_cmd: list[str]) -> list[str]:
        assert self.slot is not None
        args = [str(bwrap_path()), *self._identity_args()]
        args += [
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--hostname", "sandbox",
            "--die-with-parent", "--new-session", "--clearenv",
        ]  # fmt: skip
        for key, value in self._environment().items():
            args += ["--setenv", key, value]
        # the private /tmp first: binds below it (a virtualenv under /tmp) must land on top of it
        args += ["--perms", "1777", "--size", str(self.limits.tmp_size_mb * MiB), "--tmpfs", "/tmp"]
        connection = str(self.slot.dir / "kernel.json")
        binds = [
            *_system_binds(self.python_env.prefixes if self.python_env else ()),
            ("--bind", str(self.socket_dir), str(self.socket_dir)),
            ("--ro-bind", connection, connection),
        ]
        args += _parent_dirs([dest for _, _, dest in binds])
        for kind, source, dest in binds:
            args += [kind, source, dest]
        # /proc/sys read-only: host-wide sysctls must not be writable from inside, whatever the uid
        args += ["--proc", "/proc", "--ro-bind", "/proc/sys", "/proc/sys", *_proc_masks()]
        # /dev/shm for POSIX semaphores and shared memory (multiprocessing), capped like /tmp
        args += ["--dev", "/dev", "--perms", "1777", "--size", str(self.limits.tmp_size_mb * MiB)]
        args += ["--tmpfs", "/dev/shm"]
        args += ["--bind", str(self.workdir), WORKSPACE, "--chdir", WORKSPACE]
        args += ["--remount-ro", "/"]
        if supported():
            # the seccomp program reaches bwrap as fd 3, opened by a shell from an in-memory file
            args += ["--seccomp", "3"]
        inner = [*self._drop_privileges(), *kernel_cmd]
        if not supported():
            return [*args, "--", *inner]
        return ["/bin/sh", "-c", 'exec "$@" 3< "$0"', _seccomp_path(), *args, "--", *inner]

    def _identity_args(self) -> list[str]:
        if self.host_uid is not None:
            return []  # privileged bubblewrap, no user namespace: setpriv drops to the slot's uid
        uid = str(NAMESPACE_UID)
        # --disable-userns: no nested user namespaces (they would allow new mounts inside)
        return ["--unshare-user", "--disable-userns", "--uid", uid, "--gid", uid]

    def _drop_privileges(self) -> list[str]:
        if self.host_uid is None:
            return []
        uid = str(self.host_uid)
        return [
            "setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--",
        ]  # fmt: skip

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


_seccomp_fd: int | None = None
_seccomp_lock = threading.Lock()


def _seccomp_path() -> str:
    """A path that opens the seccomp program: an in-memory file of this process, so nothing is
    left on disk (and nothing the sandbox could reach). Opened through /proc at launch time, so a
    forked worker finds its own copy of the descriptor."""
    global _seccomp_fd
    with _seccomp_lock:
        if _seccomp_fd is None:
            fd = os.memfd_create("codeact-seccomp", os.MFD_CLOEXEC)
            os.write(fd, seccomp_program())
            _seccomp_fd = fd
    return f"/proc/{os.getpid()}/fd/{_seccomp_fd}"


def _proc_masks() -> list[str]:
    args: list[str] = []
    for name in MASKED_PROC_FILES:
        if os.path.exists(f"/proc/{name}"):
            args += ["--ro-bind", "/dev/null", f"/proc/{name}"]
    for name in MASKED_PROC_DIRS:
        if os.path.isdir(f"/proc/{name}"):
            args += ["--perms", "0555", "--tmpfs", f"/proc/{name}"]
    return args


def _system_binds(extra_prefixes: Sequence[str] = ()) -> list[tuple[str, str, str]]:
    """Read-only binds of what Python needs: /usr, merged-/usr symlinks, the interpreter (and
    another environment's, `python=`), a few /etc files, as (bwrap option, source, destination)."""
    binds = [("--ro-bind", "/usr", "/usr")]
    for top in ("bin", "lib", "lib32", "lib64", "sbin"):
        path = Path("/") / top
        if path.is_symlink():
            binds.append(("--symlink", os.readlink(path), str(path)))
        elif path.is_dir():
            binds.append(("--ro-bind", str(path), str(path)))
    binds += [("--ro-bind-try", f"/etc/{name}", f"/etc/{name}") for name in ETC_ALLOWLIST]
    binds += [("--ro-bind", prefix, prefix) for prefix in _python_prefixes(extra_prefixes)]
    return binds


def _parent_dirs(destinations: list[str]) -> list[str]:
    """Create the folders above the mount points, traversable by any uid (bubblewrap would make
    them 0700 and root's, which the sandbox's own uid could not enter)."""
    mounted = set(destinations)
    parents = {str(p) for d in destinations for p in Path(d).parents if str(p) not in ("/", "/tmp")}
    args: list[str] = []
    for parent in sorted(parents - mounted, key=lambda p: p.count("/")):
        if not any(parent.startswith(f"{m}/") for m in mounted):
            args += ["--perms", "0755", "--dir", parent]
    return args


def _python_prefixes(extra: Sequence[str] = ()) -> list[str]:
    """The interpreter's installation and the virtualenv, plus those of another environment the
    kernel runs with (`python=`), unless /usr already covers them."""
    prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, *extra)}
    prefixes.add(
        os.path.realpath(os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))))
    )
    return sorted(p for p in prefixes if not p.startswith("/usr/") and p != "/usr")


def _choose_tier(
    report: IsolationReport, min_tier: str, allow_unsandboxed: bool, exact: str | None = None
) -> str:
    """The tier to run in: the best this machine offers (or `exact`), never below `min_tier`."""
    for name in (min_tier, exact):
        if name is not None and name not in TIERS:
            raise ConfigError(f"unknown isolation tier {name!r}; choose from {', '.join(TIERS)}")
    if exact == "none":
        raise ConfigError("tier 'none' is the unsandboxed local kernel: use get_kernel('local')")
    if report.tier == "process" or exact == "process":
        if not allow_unsandboxed:
            fixes = "; ".join(report.missing_for("namespaces")) or "see `codeact doctor`"
            raise ConfigError(
                "the sandbox needs bubblewrap with user namespaces, which this machine lacks "
                f"({fixes}). To run code in a plain process with rlimits only, pass "
                "allow_unsandboxed=True (CLI: --allow-unsandboxed)."
            )
        warnings.warn(
            "running LLM-written code WITHOUT namespace isolation (separate process + rlimits only)",
            stacklevel=3,
        )
        return "process"
    wanted = exact or min_tier
    if not report.at_least(wanted):
        fixes = "; ".join(report.missing_for(wanted))
        raise ConfigError(
            f"isolation tier {report.tier!r} is below the required {wanted!r}: {fixes}"
        )
    return exact or report.tier
