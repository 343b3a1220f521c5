"""Kernels: stateful Python execution backends, picked by name with `get_kernel`."""

from __future__ import annotations

from typing import Any

from codeact.contracts import Kernel
from codeact.registry import resolve

KERNELS = {
    "sandbox": "codeact.kernels.sandbox:SandboxKernel",
    "local": "codeact.kernels.jupyter:JupyterKernel",
    "gateway": "codeact.kernels.gateway:GatewayKernel",
}


def get_kernel(name: str = "sandbox", **options: Any) -> Kernel:
    """Build a kernel backend by short name or import path; it starts on first use."""
    kernel: Kernel = resolve("kernels", name, KERNELS)(**options)
    return kernel


__all__ = ["KERNELS", "get_kernel"]
