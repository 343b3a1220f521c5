"""Bounds on what the host reads from a kernel's channels, before it parses anything.

The kernel's code holds the connection key, so it can send any message, signed and well formed or
not, over any channel, and even speak raw ZeroMQ on the sockets. The host therefore caps:
- the size of every frame, in ZeroMQ itself (MAXMSGSIZE on every host socket): a peer that
  announces more is disconnected before anything is allocated;
- what a frame may cost once parsed: JSON that would unfold into millions of small objects, or
  nest past the parser's depth, is refused as malformed (the collector skips it with a notice);
- how long the host waits to send: a channel the kernel's code has jammed raises, not blocks.
"""

from __future__ import annotations

import json
from typing import Any

import zmq

MiB = 1024 * 1024
MAX_MESSAGE_BYTES = 64 * MiB  # a big plot or a long print fits; a gigabyte announcement does not
# frames above this size are checked for density before parsing; honest ones stay below it (the
# kernel's prelude sends stream text in pieces of 1 Mi characters)
DENSE_FROM = 8 * MiB
MAX_DENSITY = 1 / 16  # at most one separator per 16 bytes: text, not millions of tiny items
SEND_TIMEOUT_MS = 2000  # no host send waits longer on a channel the kernel's code has jammed


class MalformedMessage(ValueError):
    """A frame from the kernel that the host will not parse."""


def bounded_context() -> zmq.Context[zmq.Socket[bytes]]:
    """A ZeroMQ context whose sockets drop peers that send frames over MAX_MESSAGE_BYTES."""
    context: zmq.Context[zmq.Socket[bytes]] = zmq.Context()
    context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    context.setsockopt(zmq.LINGER, 0)
    context.setsockopt(zmq.SNDTIMEO, SEND_TIMEOUT_MS)
    return context


def bounded_unpack(data: bytes | str) -> Any:
    """json.loads for one frame, refusing frames that would cost the host far more than their size."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_MESSAGE_BYTES:
        raise MalformedMessage(f"a {len(raw)}-byte frame is over the {MAX_MESSAGE_BYTES} limit")
    if len(raw) > DENSE_FROM:
        separators = raw.count(b",") + raw.count(b":")
        if separators > len(raw) * MAX_DENSITY:
            raise MalformedMessage(f"a {len(raw)}-byte frame holds {separators} separate items")
    try:
        return json.loads(raw)
    except RecursionError:
        raise MalformedMessage("a frame nests deeper than the parser allows") from None
