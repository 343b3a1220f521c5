"""Turns a stream of Jupyter iopub messages into an Observation, within caps the kernel cannot lift.

Everything here comes from code the host does not trust, and every byte of it that reaches the
model, the trajectory or the host's disk counts against a cap: text keeps its head and tail within
`max_chars`; notices collapse into one line with a count, and only a few distinct ones are kept;
error names, values and tracebacks are bounded; an image is written only when it is a real PNG of
bounded size, within a per-execution budget, never through a link.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codeact.kernels import hostfs
from codeact.types import ExecutionError, Observation, strip_ansi, truncate_middle

IMAGE_DIR = "outputs"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MiB = 1024 * 1024


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
        max_image_bytes: int = 8 * MiB,
        max_image_total: int = 32 * MiB,
        max_notices: int = 8,
        file_owner: tuple[int, int] | None = None,
        on_output: Callable[[str], None] | None = None,
    ):
        self.workdir = workdir
        self.on_output = on_output  # sees every text chunk as it arrives, before any capping
        self.max_chars = max_chars
        self.render_limit = render_limit
        self.max_messages = max_messages
        self.max_images = max_images
        self.max_image_bytes = max_image_bytes
        self.max_image_total = max_image_total
        self.image_bytes = 0
        self.max_notices = max_notices
        self.file_owner = file_owner
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
        self._notices: Counter[str] = Counter()
        self.messages = 0

    # --- notices ----------------------------------------------------------------------------

    def notice(self, text: str) -> None:
        """Say something about this execution; repeats are counted, not repeated."""
        text = truncate_middle(text, 400)
        if text in self._notices or len(self._notices) < self.max_notices:
            self._notices[text] += 1
        else:
            self._notices[_FURTHER] += 1

    @property
    def notices(self) -> list[str]:
        shown = []
        for text, count in self._notices.items():
            if text == _FURTHER:
                shown.append(f"{count} further notices were dropped")
            else:
                shown.append(text if count == 1 else f"{text} (×{count})")
        return shown

    def has_notice(self, prefix: str) -> bool:
        return any(text.startswith(prefix) for text in self._notices)

    # --- messages ---------------------------------------------------------------------------

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
            self.write(str(content["text"]))
        elif kind in ("execute_result", "display_data"):
            self._add_rich(content.get("data", {}))
        elif kind == "error":
            self._add_error(content)

    def _add_error(self, content: dict[str, Any]) -> None:
        frames = content.get("traceback", [])
        text = "\n".join(str(f) for f in frames) if isinstance(frames, list) else str(frames)
        tb = strip_ansi(truncate_middle(text, self.max_chars // 2))
        name = truncate_middle(str(content["ename"]), 200)
        value = truncate_middle(str(content["evalue"]), 4000)
        self.error = ExecutionError(name, value, tb)
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

    def _add_rich(self, data: Any) -> None:
        if not isinstance(data, dict):
            return
        if "image/png" in data and len(self.images) >= self.max_images:
            self.dropped_images += 1
        elif "image/png" in data:
            try:
                png = self._png_bytes(data["image/png"])
            except ValueError as exc:
                self.notice(f"an image was not saved: {exc}")
                return
            if self.image_bytes + len(png) > self.max_image_total:
                self.dropped_images += 1
                return
            try:
                self.images.append(self._save_png(png))
                self.image_bytes += len(png)
            except OSError as exc:
                self.notice(f"an image could not be saved in {IMAGE_DIR}/: {exc}")
        elif "text/plain" in data:
            self.write(str(data["text/plain"]) + "\n")

    def _png_bytes(self, b64: Any) -> bytes:
        """The decoded image, checked before anything is written: size first, then signature."""
        if not isinstance(b64, str):
            raise ValueError("the image data is not base64 text")
        if len(b64) * 3 // 4 > self.max_image_bytes:
            raise ValueError(f"it is larger than {self.max_image_bytes // MiB} MiB")
        try:
            data = base64.b64decode(b64, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(f"its data is not valid base64 ({exc})") from None
        if not data.startswith(PNG_SIGNATURE):
            raise ValueError("its data is not a PNG image")
        return data

    def _save_png(self, data: bytes) -> str:
        """Write the image under workdir/outputs without following links: the workspace is written
        by sandboxed code, so `outputs` or `image_N.png` may be symlinks planted to point outside."""
        folder = hostfs.open_dir(self.workdir, IMAGE_DIR, create=True)
        try:
            if self.file_owner is not None:  # the sandbox may tidy the folder up itself
                with contextlib.suppress(OSError):
                    os.fchown(folder, *self.file_owner)
            n = sum(1 for f in os.listdir(folder) if f.startswith("image_") and f.endswith(".png"))
            while True:
                n += 1
                name = f"image_{n}.png"
                try:
                    hostfs.create_file(folder, name, data, owner=self.file_owner)
                    break
                except FileExistsError:
                    continue
        finally:
            os.close(folder)
        return str(Path(IMAGE_DIR) / name)

    def observation(self, seconds: float) -> Observation:
        tail = self._tail_text()
        text = "".join(self._head)
        if self.dropped:
            text += f"\n... [{self.dropped} characters of output dropped] ...\n"
        text += tail
        if self.dropped_messages:
            self.notice(f"{self.dropped_messages} further display outputs were dropped")
        if self.dropped_images:
            self.notice(f"{self.dropped_images} further images were not saved")
        return Observation(
            output=text,
            error=self.error,
            images=self.images,
            notices=self.notices,
            seconds=seconds,
            limit=self.render_limit,
            dropped_bytes=self.dropped,
        )


_FURTHER = "\x00further"  # the Counter key that counts notices past max_notices
