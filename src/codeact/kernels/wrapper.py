"""A kernel that passes everything on to another kernel: the base for a wrapper of your own.

    class CountingKernel(KernelWrapper):
        name = "counting"

        def execute(self, code, *, timeout=None, on_output=None):
            self.cells += 1
            return super().execute(code, timeout=timeout, on_output=on_output)

The wrapped kernel is given, or built by name with the remaining options (`inner="sandbox"`,
`timeout=...`, `workdir=...`), so a wrapper registered as a `codeact.kernels` entry point takes
`--kernel-opt inner=local` and every option the inner kernel takes. Its isolation `tier` is
always the wrapped kernel's: a wrapper cannot make unsandboxed code look sandboxed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codeact.contracts import Kernel, OutputCallback, Tool
from codeact.types import Observation


class KernelWrapper:
    name: str = ""  # a subclass names itself; the default is the wrapped kernel's name

    def __init__(self, inner: Kernel | str = "sandbox", **options: Any) -> None:
        if isinstance(inner, str):
            from codeact.kernels import get_kernel

            inner = get_kernel(inner, **options)
        self.inner = inner
        if not self.name:
            self.name = str(getattr(inner, "name", type(inner).__name__))

    @property
    def tier(self) -> str:
        return str(getattr(self.inner, "tier", "unknown"))

    @property
    def workdir(self) -> Path:
        return self.inner.workdir

    def start(self) -> None:
        self.inner.start()

    def execute(
        self, code: str, *, timeout: float | None = None, on_output: OutputCallback | None = None
    ) -> Observation:
        if on_output is None:  # kernels of other authors may not take the callback
            return self.inner.execute(code, timeout=timeout)
        return self.inner.execute(code, timeout=timeout, on_output=on_output)

    def interrupt(self) -> None:
        self.inner.interrupt()

    def restart(self) -> None:
        self.inner.restart()

    def shutdown(self) -> None:
        self.inner.shutdown()

    def register_tools(self, tools: Sequence[Tool]) -> None:
        self.inner.register_tools(tools)

    def __enter__(self) -> KernelWrapper:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
