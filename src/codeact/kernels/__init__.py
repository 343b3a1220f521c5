"""Kernels: stateful Python execution backends, picked by name with `get_kernel`.

Every kernel takes `workdir` and `timeout` (the constructor contract in contracts.py) and says how
isolated it is (`tier`). A wrapper around another kernel is a few lines on
`codeact.kernels.wrapper.KernelWrapper`.
"""

from __future__ import annotations

from typing import Any

from codeact.contracts import Kernel
from codeact.registry import build, check_options, resolve

KERNELS = {
    "sandbox": "codeact.kernels.sandbox:SandboxKernel",
    "local": "codeact.kernels.jupyter:JupyterKernel",
    "gateway": "codeact.kernels.gateway:GatewayKernel",
}


def get_kernel(name: str = "sandbox", /, **options: Any) -> Kernel:
    """Build a kernel backend by short name or import path; it starts on first use."""
    kernel: Kernel = build("kernels", name, KERNELS, **options)
    return kernel


def check_kernel(name: str, /, **options: Any) -> None:
    """ConfigError for an unknown kernel or an option it does not take, without building it."""
    check_options(resolve("kernels", name, KERNELS), options, f"kernel {name!r}")


__all__ = ["KERNELS", "check_kernel", "get_kernel"]
