"""Isolation tiers, probed on this machine at start and reported by `codeact doctor`.

none        the `local` kernel: the host's own user, environment and network (trusted code only)
process     a separate process with rlimits and an empty environment; no namespaces (opt-in)
namespaces  bubblewrap: user, pid, net, ipc and uts namespaces, read-only root, private /tmp,
            only the workspace writable, non-root uid, rlimits
full        namespaces plus per-session cgroups for memory, processes and CPU
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass, field

from codeact.kernels import cgroups

TIERS = ("none", "process", "namespaces", "full")
FIXES = {
    "bwrap": "install bubblewrap: apt-get install -y bubblewrap (or your distribution's package)",
    "userns": "enable unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 "
    "(and kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04+)",
    "cgroups": "run as root or delegate a writable cgroup subtree (memory, pids) to this user",
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
        needs = {"namespaces": ["bwrap", "userns"], "full": ["bwrap", "userns", "cgroups"]}
        return [FIXES[n] for n in needs.get(tier, []) if n in failed]


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.cache
def probe() -> IsolationReport:
    """Find out what isolation this machine offers (cached for the process)."""
    probes: list[Probe] = []
    path = bwrap_path()
    probes.append(Probe("bwrap", path is not None, path or "not installed"))
    userns_ok = False
    if path:
        userns_ok, detail = _try_namespaces(path)
        probes.append(Probe("userns", userns_ok, detail))
        probes.append(
            Probe(
                "network",
                userns_ok,
                "new network namespace: loopback only" if userns_ok else "unavailable",
            )
        )
    controllers = tuple(c for c in cgroups.writable_controllers() if c in ("memory", "pids", "cpu"))
    cg_ok = {"memory", "pids"} <= set(controllers)
    probes.append(Probe("cgroups", cg_ok, f"writable: {', '.join(controllers) or 'none'}"))
    probes.append(Probe("rlimits", True, "nproc, address space, file size, open files, core"))
    root = os.geteuid() == 0
    probes.append(
        Probe(
            "host user",
            not root,
            "root: the sandbox's uid 1000 maps to host root without capabilities; /proc/sys "
            "is read-only and keyring calls are blocked; run as a non-root user for more"
            if root
            else f"uid {os.geteuid()}: the sandbox maps to this unprivileged user",
        )
    )
    probes.append(
        Probe(
            "workspace quota",
            root,
            "size-capped tmpfs per session workspace" if root else "needs root: disk use uncapped",
        )
    )
    tier = "process"
    if userns_ok:
        tier = "full" if cg_ok else "namespaces"
    return IsolationReport(tier, probes, controllers)


def _try_namespaces(bwrap: str) -> tuple[bool, str]:
    cmd = [
        bwrap,
        "--unshare-user",
        "--uid",
        "1000",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--ro-bind",
        "/",
        "/",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "true",
    ]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if result.returncode != 0:
        return False, result.stderr.strip() or f"exit code {result.returncode}"
    return True, "user, pid, net, ipc, uts namespaces work"
