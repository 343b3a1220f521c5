"""Writes a running turn into the event log as it happens, and hands each event to live streams.

The Agent reports through its callbacks (`on_token`, `on_step`); the one moment it has no
callback for, code about to run, is caught by wrapping the kernel (`RecordingKernel`). At each of
these points the messages the agent appended since the last one are stored first, so the log
always holds a prefix of the trajectory in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from codeact.contracts import Kernel, Tool
from codeact.server.events import EventBus
from codeact.server.store import EventRecord, Store
from codeact.types import Message, Observation, Step


class Recorder:
    def __init__(self, store: Store, bus: EventBus, conversation_id: str) -> None:
        self.store, self.bus, self.conversation_id = store, bus, conversation_id
        self.messages: list[Message] = []
        self.saved = 0  # how many of `messages` are in the log
        self.task_index = -1  # index of this turn's task message
        self.last_task_id = 0  # event id of the latest task message

    def begin(self, messages: list[Message]) -> None:
        """A turn starts on this message list; the task it appends next is this turn's task."""
        self.messages, self.saved, self.task_index = messages, len(messages), len(messages)

    def append(
        self, events: list[tuple[str, dict[str, Any]]], status: str | None = None
    ) -> list[EventRecord]:
        """Store `events` (and the conversation's new status), then hand them to live streams."""
        records = self.store.append(self.conversation_id, events, status) if events else []
        for record in records:
            self.bus.publish(self.conversation_id, record.to_dict())
        return records

    def flush(self, *extra: tuple[str, dict[str, Any]], status: str | None = None) -> None:
        """Store the messages appended since the last flush, then `extra`, in one transaction."""
        events = [("message", self._message(i)) for i in range(self.saved, len(self.messages))]
        self.saved = len(self.messages)
        for record in self.append([*events, *extra], status):
            if record.type == "message" and record.data["kind"] == "task":
                self.last_task_id = record.id

    def on_token(self, text: str) -> None:
        if self.saved < len(self.messages):
            self.flush()
        self.bus.publish(
            self.conversation_id, {"id": None, "type": "token", "data": {"text": text}}
        )

    def on_step(self, step: Step) -> None:
        self.flush(("step", asdict(step)))

    def on_code(self, code: str) -> None:
        self.flush(("code", {"code": code}))

    def _message(self, index: int) -> dict[str, Any]:
        message = self.messages[index]
        kind = {"system": "system", "assistant": "assistant"}.get(message.role)
        if kind is None:
            kind = "task" if index == self.task_index else "observation"
        return {"role": message.role, "content": message.content, "kind": kind}


class RecordingKernel:
    """A kernel that tells the recorder before it runs code; everything else passes through."""

    def __init__(self, kernel: Kernel, recorder: Recorder) -> None:
        self.inner, self.recorder = kernel, recorder
        self.name = getattr(kernel, "name", type(kernel).__name__)
        self.workdir: Path = kernel.workdir

    def execute(self, code: str, *, timeout: float | None = None) -> Observation:
        self.recorder.on_code(code)
        return self.inner.execute(code, timeout=timeout)

    def start(self) -> None:
        self.inner.start()

    def interrupt(self) -> None:
        self.inner.interrupt()

    def restart(self) -> None:
        self.inner.restart()

    def shutdown(self) -> None:
        self.inner.shutdown()

    def register_tools(self, tools: Sequence[Tool]) -> None:
        self.inner.register_tools(tools)

    def __enter__(self) -> RecordingKernel:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
