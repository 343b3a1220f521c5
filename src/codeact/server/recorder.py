"""Writes a running turn into the event log as it happens, and hands each event to live streams.

The Agent reports through its callbacks: `on_token` and `on_output` become transient events,
`on_action` (code about to run) and `on_step` stored ones. When code is about to run, when it has
run, and when the turn ends, the messages and steps since the last store are stored in one
transaction, so the log always holds a prefix of the trajectory in order.
"""

from __future__ import annotations

from typing import Any

from codeact.server.events import EventBus
from codeact.server.store import EventRecord, Store
from codeact.types import Action, CodeAction, Message, Step, step_to_dict

MAX_LIVE_OUTPUT = (
    100_000  # characters of one cell's output streamed live; the step keeps its own cap
)


class Recorder:
    def __init__(self, store: Store, bus: EventBus, conversation_id: str) -> None:
        self.store, self.bus, self.conversation_id = store, bus, conversation_id
        self.streamed = 0  # characters of the running cell's output streamed so far
        self.messages: list[Message] = []
        self.saved = 0  # how many of `messages` are in the log
        self.task_index = -1  # index of this turn's task message
        self.last_task_id = 0  # event id of the latest task message
        self.pending: list[tuple[str, dict[str, Any]]] = []  # steps not stored yet

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
        """Store the messages appended since the last flush, the pending steps, then `extra`, in
        one transaction (a few per turn: each commit costs more than the events in it)."""
        events = [("message", self._message(i)) for i in range(self.saved, len(self.messages))]
        events += self.pending
        self.saved, self.pending = len(self.messages), []
        for record in self.append([*events, *extra], status):
            if record.type == "message" and record.data["kind"] == "task":
                self.last_task_id = record.id

    def on_token(self, text: str) -> None:
        self.bus.publish(
            self.conversation_id, {"id": None, "type": "token", "data": {"text": text}}
        )

    def on_step(self, step: Step) -> None:
        self.pending.append(("step", step_to_dict(step)))
        if step.observation is not None or step.format_error is not None:
            self.flush()  # the run goes on; a final step is stored with the `run` event

    def on_action(self, action: Action) -> None:
        self.streamed = 0
        if isinstance(action, CodeAction):
            self.flush(("code", {"code": action.code}))

    def on_output(self, text: str) -> None:
        """Live output, capped per cell: sandboxed code can print without end, and every live
        stream would hold it (the stored step has the collector's own head-and-tail cap)."""
        if self.streamed >= MAX_LIVE_OUTPUT:
            return
        if self.streamed + len(text) >= MAX_LIVE_OUTPUT:
            text = (
                text[: MAX_LIVE_OUTPUT - self.streamed] + "\n[… more output; the step keeps it]\n"
            )
        self.streamed += len(text)
        self.bus.publish(
            self.conversation_id, {"id": None, "type": "output", "data": {"text": text}}
        )

    def _message(self, index: int) -> dict[str, Any]:
        message = self.messages[index]
        kind = {"system": "system", "assistant": "assistant"}.get(message.role)
        if kind is None:
            kind = "task" if index == self.task_index else "observation"
        return {**message.to_dict(), "kind": kind}  # native calls (the tools format) included
