"""`codeact doctor`: the isolation tier, each probe, then a live kernel (the sandbox, or the one
`--kernel` names): the isolation tier it declares, a check from the inside, and which well-known
packages it can import."""

from __future__ import annotations

import time
from typing import Any

from rich.markup import escape
from rich.table import Table
from rich.text import Text

from codeact.cli.common import EXIT_USAGE, console, show_error
from codeact.cli.terminal import printable
from codeact.errors import CodeActError, ConfigError
from codeact.kernels import KERNELS, get_kernel
from codeact.kernels.isolation import TIERS, probe, unsandboxed_warning
from codeact.registry import option_names, resolve

LIVE_CHECK = """
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
checks = {"uid": os.getuid(), "cwd": os.getcwd(), "host_home_visible": os.path.exists("/root/.bashrc")}
try:
    socket.create_connection(("1.1.1.1", 53), timeout=1); checks["network"] = "REACHABLE"
except OSError as e:
    checks["network"] = f"blocked ({e.strerror or e})"
try:
    open("/usr/.codeact-probe", "w"); checks["root_fs"] = "WRITABLE"
except OSError:
    checks["root_fs"] = "read-only"
open(".codeact-probe", "w").close()
try:
    os.chmod(".codeact-probe", 0o4755); checks["setuid"] = "ALLOWED"
except OSError as e:
    checks["setuid"] = f"blocked ({e.strerror})"
os.remove(".codeact-probe")
checks["io_uring"] = "ALLOWED" if libc.syscall(425, 1, None) >= 0 else "blocked"
try:
    checks["proc_keys"] = f"READABLE ({len(open('/proc/keys').read())} bytes)"
except OSError:
    checks["proc_keys"] = "masked"
print(checks)
"""
LIVE_OK = ("'setuid': 'blocked", "'io_uring': 'blocked'", "'proc_keys': 'masked'", "blocked (")
# what the paper's demos and the README's examples reach for: (import name, distribution)
PACKAGES = (
    ("numpy", "numpy"), ("pandas", "pandas"), ("scipy", "scipy"), ("sklearn", "scikit-learn"),
    ("sympy", "sympy"), ("matplotlib", "matplotlib"), ("seaborn", "seaborn"),
    ("statsmodels", "statsmodels"), ("PIL", "pillow"), ("requests", "requests"),
    ("torch", "torch"),
)  # fmt: skip
IMPORTS_CHECK = f"""
import importlib.metadata as md, importlib.util as iu
for name, dist in {PACKAGES!r}:
    try:
        found = iu.find_spec(name) is not None
        version = md.version(dist) if found else "-"
    except Exception:
        found, version = False, "-"
    print(name, version if found else "-")
"""


def run_doctor(
    min_tier: str, kernel: str = "sandbox", kernel_options: dict[str, Any] | None = None
) -> int:
    if min_tier not in TIERS:
        show_error(ConfigError(f"unknown tier {min_tier!r}; choose from {', '.join(TIERS)}"))
        return EXIT_USAGE
    report = probe()
    table = Table(title="isolation probes", show_lines=False)
    table.add_column("probe")
    table.add_column("ok")
    table.add_column("found")
    for p in report.probes:
        table.add_row(p.name, "[green]yes[/]" if p.ok else "[red]no[/]", p.detail)
    console.print(table)
    console.print(f"isolation tier: [bold]{report.tier}[/] (required: {min_tier})")
    if not report.at_least(min_tier):
        for fix in report.missing_for(min_tier):
            console.print(f"[red]missing:[/] {fix}")
        return 1
    return _live_check(min_tier, kernel, dict(kernel_options or {}))


def _live_check(min_tier: str, name: str, options: dict[str, Any]) -> int:
    """Start the kernel, ask it for its isolation tier, and check from the inside."""
    started = time.perf_counter()
    try:
        factory = resolve("kernels", name, KERNELS)
        if "min_tier" in (option_names(factory) or []):
            options.setdefault("min_tier", min_tier)
        kernel = get_kernel(name, **options)
        with kernel:
            boot = time.perf_counter() - started
            obs = kernel.execute(LIVE_CHECK)
            imports = kernel.execute(IMPORTS_CHECK)
            uid = getattr(kernel, "host_uid", None)
            inner = getattr(kernel, "sandbox_uid", None)
            where = f"host uid {uid}" if uid is not None else f"uid {inner} (namespace)"
    except CodeActError as exc:
        console.print(
            f"[red]the {escape(name)} kernel failed to start:[/] {escape(printable(str(exc)))}"
        )
        return 1
    tier = str(getattr(kernel, "tier", "unknown"))
    console.print(f"kernel {escape(kernel.name)}: isolation tier [bold]{escape(tier)}[/]")
    warning = unsandboxed_warning(kernel)
    if warning:
        console.print(f"[red]warning:[/] {escape(warning)}")
    shown = printable(str(obs))
    console.print(
        f"live kernel: started in {boot:.2f} s, ran as {where}; inside it: {escape(shown)}",
        soft_wrap=True,
    )
    failed = [check for check in LIVE_OK if check not in shown]
    for check in failed:
        console.print(f"[red]live check failed:[/] expected {escape(check)}…")
    if tier in TIERS and TIERS.index(tier) < TIERS.index(min_tier):
        failed.append(tier)
        console.print(f"[red]the kernel's tier {tier!r} is below the required {min_tier!r}[/]")
    console.print(_imports_table(imports.output))
    return 0 if obs.error is None and imports.error is None and not failed else 1


def _imports_table(output: str) -> Table:
    """The sandbox's answer to IMPORTS_CHECK: one "name version" line per package."""
    table = Table(title="the kernel can import")
    table.add_column("package")
    table.add_column("version")
    known = {name for name, _ in PACKAGES}
    for line in output.splitlines()[: len(PACKAGES)]:
        name, _, version = line.partition(" ")
        if name in known:
            missing = version == "-"
            shown = Text("not installed", style="red") if missing else Text(printable(version))
            table.add_row(name, shown)
    return table
