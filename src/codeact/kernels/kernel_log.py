"""The kernel process's own stdout and stderr (banners, crashes), kept as a bounded tail.

They go to a pipe that a host thread drains into the last `keep` bytes in memory, not to a file:
whatever the kernel's code writes there costs the host no disk and no more memory than that, and
the host never opens a path for it. The tail is shown when the kernel fails to start.
"""

from __future__ import annotations

import os
import threading


class KernelLog:
    def __init__(self, keep: int = 64 * 1024) -> None:
        self.keep = keep
        self._tail = bytearray()
        self._lock = threading.Lock()
        read_fd, self.fd = os.pipe()  # the kernel writes to self.fd, across restarts
        self._reader = threading.Thread(
            target=self._drain, args=(read_fd,), name="codeact-kernel-log", daemon=True
        )
        self._reader.start()

    def _drain(self, read_fd: int) -> None:
        with os.fdopen(read_fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                with self._lock:
                    self._tail += chunk
                    del self._tail[: -self.keep]

    def tail(self, limit: int = 2000) -> str:
        with self._lock:
            return bytes(self._tail[-limit:]).decode(errors="replace")

    def close(self) -> None:
        """Stop writing; the reader ends once every kernel process has exited too."""
        os.close(self.fd)
