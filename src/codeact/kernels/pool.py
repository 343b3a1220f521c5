"""A warm pool of pre-started kernels, so a new session does not wait for a kernel to boot.

A pooled kernel serves exactly one session: `acquire()` hands it over (the pool forgets it) and
the session shuts it down when done. Nothing is ever returned to the pool, so no state, file or
process of one session can reach the next. A background thread keeps `size` kernels ready.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable

from codeact.contracts import Kernel
from codeact.errors import KernelError

log = logging.getLogger(__name__)
KernelFactory = Callable[[], Kernel]


class KernelPool:
    def __init__(self, factory: KernelFactory | None = None, size: int = 2) -> None:
        if size < 0:
            raise ValueError("pool size must be >= 0")
        self.factory = factory or _default_factory
        self.size = size
        self._ready: queue.Queue[Kernel] = queue.Queue()
        self._wake = threading.Event()
        self._closed = threading.Event()
        self._filler = threading.Thread(target=self._fill, name="codeact-kernel-pool", daemon=True)
        self._filler.start()

    def acquire(self, timeout: float | None = None) -> Kernel:
        """A started kernel for one session: warm if one is ready, else started now."""
        if self._closed.is_set():
            raise KernelError("the kernel pool is closed")
        try:
            kernel = self._ready.get(timeout=timeout) if timeout else self._ready.get_nowait()
        except queue.Empty:
            kernel = self._start_one()
        self._wake.set()
        return kernel

    @property
    def ready(self) -> int:
        return self._ready.qsize()

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """Block until the pool is full (for benchmarks and tests)."""
        deadline = time.monotonic() + timeout
        while self._ready.qsize() < self.size:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def close(self) -> None:
        self._closed.set()
        self._wake.set()
        self._filler.join(timeout=30)
        while True:
            try:
                kernel = self._ready.get_nowait()
            except queue.Empty:
                break
            with contextlib.suppress(Exception):
                kernel.shutdown()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start_one(self) -> Kernel:
        kernel = self.factory()
        kernel.start()
        return kernel

    def _fill(self) -> None:
        while not self._closed.is_set() and not _exiting():
            if self._ready.qsize() < self.size:
                try:
                    kernel = self._start_one()
                except Exception:  # keep the pool alive; the next acquire starts one itself
                    if not _exiting():
                        log.exception("kernel pool could not start a kernel")
                    self._closed.wait(1.0)
                    continue
                if self._closed.is_set():
                    kernel.shutdown()
                    return
                self._ready.put(kernel)
                continue
            self._wake.wait(0.5)
            self._wake.clear()


def _exiting() -> bool:
    """The main thread has ended: the interpreter is exiting, its launcher threads are going (a
    kernel started now dies at birth), and atexit closes the pool."""
    return not threading.main_thread().is_alive()


def _default_factory() -> Kernel:
    from codeact.kernels.sandbox import SandboxKernel

    return SandboxKernel()
