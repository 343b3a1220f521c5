"""Turns a stream of Jupyter iopub messages into an Observation, with flood control."""

from __future__ import annotations

import base64
import contextlib
import os
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codeact.types import ExecutionError, Observation, strip_ansi

IMAGE_DIR = "outputs"


class OutputCollector:
    """Accumulates one execution's output, keeping head and tail when it exceeds `max_chars`."""

    def __init__(
        self,
        workdir: Path,
        *,
        max_chars: int = 1_000_000,
        render_limit: int = 4000,
        max_messages: int = 50_000,
        max_images: int = 20,
        on_output: Callable[[str], None] | None = None,
    ):
        self.workdir = workdir
        self.on_output = on_output  # sees every text chunk as it arrives, before any capping
        self.max_chars = max_chars
        self.render_limit = render_limit
        self.max_messages = max_messages
        self.max_images = max_images
        self._head: list[str] = []
        self._head_len = 0
        # the tail is a queue of chunks: appending must not copy what is kept (floods of tiny
        # messages would otherwise cost quadratic time)
        self._tail: deque[str] = deque()
        self._tail_len = 0
        self.dropped = 0
        self.dropped_messages = 0
        self.dropped_images = 0
        self.error: ExecutionError | None = None
        self.images: list[str] = []
        self.notices: list[str] = []
        self.messages = 0

    def add(self, msg: dict[str, Any]) -> None:
        """Feed one iopub message that belongs to this execution."""
        self.messages += 1
        kind = msg["header"]["msg_type"]
        if self.messages > self.max_messages and kind == "display_data":
            # text still flows into head and tail (cheap); rich displays past the cap are dropped
            self.dropped_messages += 1
            return
        content = msg["content"]
        if kind == "stream":
            self.write(content["text"])
        elif kind in ("execute_result", "display_data"):
            self._add_rich(content.get("data", {}))
        elif kind == "error":
            tb = strip_ansi("\n".join(content.get("traceback", [])))
            self.error = ExecutionError(content["ename"], content["evalue"], tb)
            self.write(tb + "\n")

    def write(self, text: str) -> None:
        if self.on_output is not None:
            self.on_output(text)
        room = self.max_chars // 2 - self._head_len
        if room > 0:
            self._head.append(text[:room])
            self._head_len += min(room, len(text))
            text = text[room:]
        if not text:
            return
        self._tail.append(text)
        self._tail_len += len(text)
        keep = self.max_chars // 2
        while self._tail_len - len(self._tail[0]) >= keep:  # whole chunks no longer needed
            self._tail_len -= len(chunk := self._tail.popleft())
            self.dropped += len(chunk)

    def _tail_text(self) -> str:
        text = "".join(self._tail)
        excess = len(text) - self.max_chars // 2
        if excess > 0:
            self.dropped += excess
            self._tail, self._tail_len = deque([text[excess:]]), len(text) - excess
            text = text[excess:]
        return text

    def _add_rich(self, data: dict[str, Any]) -> None:
        if "image/png" in data and len(self.images) >= self.max_images:
            self.dropped_images += 1
        elif "image/png" in data:
            try:
                self.images.append(self._save_png(data["image/png"]))
            except (OSError, ValueError) as exc:
                self.notices.append(f"an image could not be saved in {IMAGE_DIR}/: {exc}")
        elif "text/plain" in data:
            self.write(str(data["text/plain"]) + "\n")

    def _save_png(self, b64: str) -> str:
        """Write the image under workdir/outputs without following links: the workspace is written
        by sandboxed code, so `outputs` or `image_N.png` may be symlinks planted to point outside."""
        data = base64.b64decode(b64)
        nofollow = os.O_NOFOLLOW | os.O_NONBLOCK
        root = os.open(self.workdir, os.O_RDONLY | os.O_DIRECTORY)
        try:
            with contextlib.suppress(FileExistsError):
                os.mkdir(IMAGE_DIR, 0o755, dir_fd=root)
            folder = os.open(IMAGE_DIR, os.O_RDONLY | os.O_DIRECTORY | nofollow, dir_fd=root)
        finally:
            os.close(root)
        try:
            n = sum(1 for f in os.listdir(folder) if f.startswith("image_") and f.endswith(".png"))
            while True:
                n += 1
                name = f"image_{n}.png"
                try:
                    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | nofollow
                    fd = os.open(name, flags, 0o644, dir_fd=folder)
                    break
                except FileExistsError:
                    continue
        finally:
            os.close(folder)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        return str(Path(IMAGE_DIR) / name)

    def observation(self, seconds: float) -> Observation:
        tail = self._tail_text()
        text = "".join(self._head)
        if self.dropped:
            text += f"\n... [{self.dropped} characters of output dropped] ...\n"
        text += tail
        if self.dropped_messages:
            self.notices.append(f"{self.dropped_messages} further display outputs were dropped")
        if self.dropped_images:
            self.notices.append(f"{self.dropped_images} further images were not saved")
        return Observation(
            output=text,
            error=self.error,
            images=self.images,
            notices=self.notices,
            seconds=seconds,
            limit=self.render_limit,
            dropped_bytes=self.dropped,
        )
