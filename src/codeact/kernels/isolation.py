"""Isolation tiers, probed on this machine at start and reported by `codeact doctor`.

none        the `local` kernel: the host's own user, environment and network (trusted code only)
process     a separate process with rlimits and an empty environment; no namespaces (opt-in)
namespaces  bubblewrap: pid, net, ipc and uts namespaces, read-only root, private /tmp, only the
            workspace writable, an unprivileged uid (its own host uid when codeact runs as root),
            seccomp, rlimits
full        namespaces plus per-session cgroups for memory, processes and CPU share
remote      (a kernel's tier, not this machine's) another machine runs the code: a kernel gateway

Besides the tier, the report says which protections hold here and which do not (doctor prints
each): the uid mapping, setuid bits, mount flags, which rlimits bind, per-user kernel resources,
the CPU share, the blocked kernel surface and the masked /proc files.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass, field

from codeact.kernels import cgroups, seccomp, slots

TIERS = ("none", "process", "namespaces", "full")
REMOTE = "remote"
FIXES = {
    "bwrap": "install bubblewrap: apt-get install -y bubblewrap (or your distribution's package)",
    "namespaces": "enable unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 "
    "(and kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04+)",
    "setpriv": "install setpriv (Debian/Ubuntu package util-linux): as root the sandbox drops to "
    "a uid of its own with it",
    "cgroups": "run as root or delegate a writable cgroup subtree (memory, pids) to this user",
}
NEEDS = {
    "namespaces": ["bwrap", "namespaces", "setpriv"],
    "full": ["bwrap", "namespaces", "setpriv", "cgroups"],
}


@dataclass(frozen=True)
class Probe:
    name: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class IsolationReport:
    tier: str
    probes: list[Probe] = field(default_factory=list)
    controllers: tuple[str, ...] = ()

    def at_least(self, tier: str) -> bool:
        return TIERS.index(self.tier) >= TIERS.index(tier)

    def missing_for(self, tier: str) -> list[str]:
        """What to fix to reach `tier`, one line each."""
        failed = {p.name for p in self.probes if not p.ok}
        return [FIXES[n] for n in NEEDS.get(tier, []) if n in failed]

    def get(self, name: str) -> Probe | None:
        return next((p for p in self.probes if p.name == name), None)


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def privileged() -> bool:
    """codeact runs as root: bubblewrap runs privileged and each session gets a uid of its own."""
    return os.geteuid() == 0


@functools.cache
def probe() -> IsolationReport:
    """Find out what isolation this machine offers (cached for the process)."""
    path = bwrap_path()
    probes = [Probe("bwrap", path is not None, path or "not installed")]
    namespaces_ok = False
    if path:
        namespaces_ok, detail = _try_namespaces(path)
        probes.append(Probe("namespaces", namespaces_ok, detail))
        probes.append(
            Probe("network", namespaces_ok, "loopback only" if namespaces_ok else "unavailable")
        )
    probes.append(_setpriv())
    controllers = tuple(c for c in cgroups.writable_controllers() if c in ("memory", "pids", "cpu"))
    cg_ok = {"memory", "pids"} <= set(controllers)
    probes.append(Probe("cgroups", cg_ok, f"writable: {', '.join(controllers) or 'none'}"))
    probes += _protections("cpu" in controllers)
    tier = "process"
    if namespaces_ok and (not privileged() or shutil.which("setpriv")):
        tier = "full" if cg_ok else "namespaces"
    return IsolationReport(tier, probes, controllers)


def _setpriv() -> Probe:
    if not privileged():
        return Probe("setpriv", True, "not needed: the sandbox maps to this user")
    found = shutil.which("setpriv")
    return Probe("setpriv", found is not None, found or "not installed")


def _protections(cpu_share: bool) -> list[Probe]:
    """What holds beyond the tier, one probe each."""
    root = privileged()
    low, high = slots.uid_range()
    filtered = seccomp.supported()
    return [
        Probe(
            "host uid",
            True,
            f"each session runs as a host uid of its own ({low}-{high}), no capabilities"
            if root
            else f"the sandbox's uid 1000 maps to your uid {os.geteuid()}",
        ),
        Probe(
            "setuid bits",
            filtered,
            "setuid/setgid bits and file capabilities cannot be set inside (seccomp); stripped "
            "from a lent workspace at the end"
            if filtered
            else "no seccomp filter for this architecture: only stripped at the end",
        ),
        Probe(
            "mount flags",
            root,
            "workspaces mounted nosuid,nodev on the host; the sandbox's own mounts are nosuid"
            if root
            else "needs root: the host sees the workspace with its usual flags",
        ),
        Probe(
            "rlimits",
            True,
            "nproc, file size, open files, message queues, pending signals, no core; nproc "
            + (
                "binds per session (its own uid)" if root else "counts all of your user's processes"
            ),
        ),
        Probe(
            "per-user resources",
            root,
            "inotify instances, message queues and keyrings are the session's own uid's"
            if root
            else "inotify instances and message queues are shared with your user",
        ),
        Probe(
            "cpu share",
            cpu_share,
            "each session competes for CPU as one group of equal weight"
            if cpu_share
            else "needs the cpu cgroup: a session with many processes can crowd out others",
        ),
        Probe(
            "kernel surface",
            filtered,
            "blocked: io_uring, userfaultfd, bpf, perf events, keyrings, mounts, modules, new "
            "namespaces, xattrs; /proc keys, kallsyms, slabinfo, kpage*, vmallocinfo, config.gz "
            "masked"
            if filtered
            else "no seccomp filter for this architecture; /proc files masked",
        ),
        Probe(
            "workspace quota",
            root,
            "size-capped tmpfs per session workspace" if root else "needs root: disk use uncapped",
        ),
        Probe(
            "leftovers",
            True,
            "a crashed session's mounts, cgroups, processes and files are reclaimed at the next "
            f"start (slots in {slots.root_path()})",
        ),
    ]


def _try_namespaces(bwrap: str) -> tuple[bool, str]:
    identity = [] if privileged() else ["--unshare-user", "--uid", "1000"]
    cmd = [
        bwrap, *identity, "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
        "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true",
    ]  # fmt: skip
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if result.returncode != 0:
        return False, result.stderr.strip() or f"exit code {result.returncode}"
    how = "privileged bubblewrap (root)" if privileged() else "unprivileged user namespace"
    return True, f"pid, net, ipc, uts namespaces work ({how})"


def unsandboxed_warning(kernel: object) -> str | None:
    """What to tell the user about a kernel that does not sandbox the code, from the tier it
    declares (None when it does); a kernel that declares none is taken for unsandboxed."""
    name = getattr(kernel, "name", type(kernel).__name__)
    tier = getattr(kernel, "tier", None)
    if tier in ("namespaces", "full", REMOTE):
        return None
    if tier == "none":
        return f"the {name} kernel is NOT sandboxed (isolation tier 'none'); run trusted tasks only"
    if tier == "process":
        return (
            f"the {name} kernel runs code in a plain process with rlimits only (isolation tier "
            "'process'): no namespaces; run trusted tasks only"
        )
    return f"the {name} kernel does not say how it isolates code (tier {tier!r}); treat it as unsandboxed"
