"""Fixtures for the data tests: sandboxed kernels shared by a module's episodes."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest

from codeact.contracts import Kernel
from codeact.kernels import get_kernel


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Kernel]:
    """One sandboxed kernel for a module's episodes: the expert checks reuse it, which the design
    allows (each task's setup redefines what it needs; its mistakes do not depend on state)."""
    kernel = get_kernel("sandbox", timeout=30)
    kernel.start()
    yield kernel
    kernel.shutdown()


@pytest.fixture(scope="module")
def grading(sandbox: Kernel) -> Iterator[Callable[[], AbstractContextManager[Kernel]]]:
    """A second sandboxed kernel lent to the checkers that run code (each test of a candidate
    runs with fresh globals in it), left running between checks."""
    kernel = get_kernel("sandbox", timeout=30)
    kernel.start()
    yield lambda: contextlib.nullcontext(kernel)
    kernel.shutdown()
