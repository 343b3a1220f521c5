"""A kernel plugin: a wrapper that writes an audit log of every cell another kernel runs.

It wraps any kernel (`inner`, the sandbox by default) and passes every other option on to it, so
its isolation tier is the inner kernel's: wrapping the local kernel still gets the "not
sandboxed" warning. Registered as the `codeact.kernels` entry point `audit`:

    codeact run "..." --kernel audit --kernel-opt log=cells.jsonl --kernel-opt inner=local
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from codeact.contracts import OutputCallback
from codeact.kernels.wrapper import KernelWrapper
from codeact.types import Observation


class AuditKernel(KernelWrapper):
    name = "audit"

    def __init__(self, *, log: str = "audit.jsonl", inner: str = "sandbox", **options: Any):
        super().__init__(inner, **options)
        self.log = Path(log)

    def execute(
        self, code: str, *, timeout: float | None = None, on_output: OutputCallback | None = None
    ) -> Observation:
        observation = super().execute(code, timeout=timeout, on_output=on_output)
        entry = {
            "time": time.time(),
            "code": code,
            "ok": observation.ok,
            "seconds": observation.seconds,
        }
        with self.log.open("a") as out:
            out.write(json.dumps(entry) + "\n")
        return observation
