"""A conversation's events, and how they become its trajectory.

Persisted, in the order they happen (each has an id, which is also its SSE id):

    input    {text}                           a user's message, stored before it is acknowledged
    notice   {text}                           the server speaks: kernel state lost or rebuilt, ...
    message  {role, content, kind}            a message of the trajectory, exactly as the model saw it
                                              (kind: system | task | assistant | observation)
    code     {code}                           code about to run
    step     {turn, completion, action, observation, ...}   a finished step (Step as a dict)
    run      {status, answer}                 a turn (one Agent.run) is over
    error    {message}                        a turn failed (the model backend, the kernel)

Transient, never stored: `token {text}`, the model's text as it streams, and `output {text}`, the
running code's output as it is produced (the `step` has all of it).

The `message` and `step` events ARE the trajectory: `trajectory_of` rebuilds it with no other
source, so an export, a restart and a replay all read the same log.
"""

from __future__ import annotations

import asyncio
import copy
import threading
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from starlette.concurrency import run_in_threadpool

from codeact.server.store import ConversationInfo, EventRecord, Store
from codeact.types import TRAJECTORY_FORMAT, TRAJECTORY_VERSION, Trajectory

POLL_SECONDS = 1.0  # how often a stream also reads the store (events from other replicas)


def trajectory_of(info: ConversationInfo, events: Iterable[EventRecord]) -> Trajectory:
    """The conversation's trajectory, from its `message`, `step` and `run` events."""
    messages: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    status, answer = "running", None
    for event in events:
        if event.type == "message":
            messages.append({k: v for k, v in event.data.items() if k != "kind"})
        elif event.type == "step":  # a copy: Trajectory.from_dict pops keys of nested dicts
            steps.append(copy.deepcopy(event.data))
        elif event.type == "run":
            status, answer = event.data["status"], event.data.get("answer")
    data = {
        "format": TRAJECTORY_FORMAT,
        "version": TRAJECTORY_VERSION,
        "messages": messages,
        "steps": steps,
        "status": status if messages else "new",
        "answer": answer,
        "meta": {**info.meta, "conversation": info.id, "title": info.title},
    }
    return Trajectory.from_dict(data)


class EventBus:
    """Hands events to the live streams of a conversation, from any thread.

    Subscribers are asyncio queues on the server's loop; publishers are the agent's worker
    threads. A slow stream cannot stall a turn: its queue is unbounded and it reads the store
    to catch up (streams also poll the store, so events from another replica arrive too).
    """

    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
        self._scheduled: set[str] = set()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    @contextmanager
    def subscribe(self, conversation_id: str) -> Iterator[asyncio.Queue[dict[str, Any]]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        with self._lock:
            self._subscribers[conversation_id].add(queue)
        try:
            yield queue
        finally:
            with self._lock:
                self._subscribers[conversation_id].discard(queue)
                if not self._subscribers[conversation_id]:
                    del self._subscribers[conversation_id]

    def publish(self, conversation_id: str, event: dict[str, Any]) -> None:
        """`event` is {"id": int | None, "type": str, "data": {...}}; id None means transient.

        Events wait in order in a per-conversation list, and one loop callback hands over all
        that piled up: a fast model's tokens wake the loop once per burst, not once each."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with self._lock:
            if conversation_id not in self._subscribers:
                return
            self._pending[conversation_id].append(event)
            if conversation_id in self._scheduled:
                return
            self._scheduled.add(conversation_id)
        loop.call_soon_threadsafe(self._deliver, conversation_id)

    def _deliver(self, conversation_id: str) -> None:
        with self._lock:
            events = self._pending.pop(conversation_id, [])
            self._scheduled.discard(conversation_id)
            queues = list(self._subscribers.get(conversation_id, ()))
        for queue in queues:
            for event in events:
                queue.put_nowait(event)


View = Callable[[dict[str, Any]], dict[str, Any] | None]


def as_stored(event: dict[str, Any]) -> dict[str, Any] | None:
    """The view that shows an event as it is."""
    return event


async def follow(
    store: Store, bus: EventBus, conversation_id: str, after: int, view: View = as_stored
) -> AsyncIterator[dict[str, Any]]:
    """Every event of a conversation after id `after`, then live ones as they come, forever,
    each as `view` shows it (events it maps to None are skipped).

    Subscribes before reading the backlog, so nothing falls between the two; an event that
    comes both ways is given once. When the bus is quiet the store is read again, which brings
    events written by another replica; the stream ends when the conversation is deleted. The
    backlog is read and viewed off the event loop (a long history can take a while to view)."""
    last = after
    with bus.subscribe(conversation_id) as queue:
        while True:
            backlog = await run_in_threadpool(_backlog, store, conversation_id, last, view)
            for event_id, shown in backlog:
                last = event_id
                if shown is not None:
                    yield shown
            while True:
                try:
                    async with asyncio.timeout(POLL_SECONDS):  # no task per event (wait_for's)
                        event = await queue.get()
                except TimeoutError:
                    if await run_in_threadpool(store.workspace_of, conversation_id) is None:
                        return  # the conversation was deleted
                    break
                for ready in _merged(event, queue):
                    if ready["id"] is None or ready["id"] > last:
                        last = ready["id"] or last
                        if (shown := view(ready)) is not None:
                            yield shown


def _backlog(
    store: Store, conversation_id: str, after: int, view: View
) -> list[tuple[int, dict[str, Any] | None]]:
    return [(r.id, view(r.to_dict())) for r in store.events(conversation_id, after)]


def _merged(event: dict[str, Any], queue: asyncio.Queue[dict[str, Any]]) -> list[dict[str, Any]]:
    """`event` and what is already queued behind it, with runs of transient text (tokens, output)
    joined into one event each: a fast model's tokens cost one write, not one each."""
    events = [event]
    while not queue.empty():
        following = queue.get_nowait()
        previous = events[-1]
        if (
            following["id"] is None
            and previous["id"] is None
            and following["type"] == previous["type"]
        ):
            text = previous["data"]["text"] + following["data"]["text"]
            events[-1] = {**previous, "data": {"text": text}}
        else:
            events.append(following)
    return events
