"""What the host parses and keeps on the sandbox's behalf: tool requests, forged and raw ZeroMQ
traffic, and everything that reaches the model, the trajectory or the host's disk.

Every attack here is sent from inside the kernel, past the stubs; every check is on the host: its
own memory (peak RSS), the time it took to answer, the size of the observation, the files it wrote.
"""

from __future__ import annotations

import base64
import os
import resource
import time
from collections.abc import Iterator

import pytest
from redteam_harness import Harness, start_kernel

from codeact import tool
from codeact.kernels.sandbox import SandboxKernel
from codeact.tools.bridge import PREFIX


@tool
def echo(text: str) -> str:
    """Return the text."""
    return text


@pytest.fixture(scope="module")
def wire(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("wire"))
    kernel.register_tools([echo])
    yield kernel
    kernel.shutdown()


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


# --- class 3: bounded parsing; every request answered -----------------------------------------


def _request(items: str) -> str:
    """Code that sends a raw tool request whose argument list is `items` (an expression)."""
    return f'input({PREFIX!r} + \'{{"tool": "echo", "args": [\' + {items} + \'"a"]}}\')'


REQUESTS = {
    "34-mb-request": (  # refused unread (too dense to parse), and still answered
        _request("'\"aaaaaaaa\",' * 3_400_000"),
        r"EOFError[\s\S]*an input request from the kernel was answered with end-of-file",
    ),
    "5-mb-request": (  # read, then refused by its size before it is parsed as a request
        _request("'\"aaaaaaaa\",' * 500_000"),
        r"malformed tool request: \d+ characters; the limit is",
    ),
    "prompt-not-text": (
        "k = get_ipython().kernel\n"
        "k.session.send(k.stdin_socket, 'input_request', {'prompt': ['x'], 'password': False}, "
        "parent=k.get_parent('shell'), ident=k._parent_ident['shell'])\n"
        "import time; time.sleep(0.5)\nprint(k.session.recv(k.stdin_socket)[1]['content'])",
        r"'value': '\\x04'",
    ),
    "200000-deep-request": (
        f"input({PREFIX!r} + '{{\"tool\": \"echo\", \"args\": ' + '[' * 200_000 + ']' * 200_000 + '}}')",
        r"malformed tool request: nested too deeply",
    ),
    "list-as-tool-name": (
        f'input({PREFIX!r} + \'{{"tool": ["echo"], "args": []}}\')',
        r"malformed tool request: the tool name is not a string",
    ),
    "not-an-object": (
        f"input({PREFIX!r} + '[1, 2]')",
        r"malformed tool request: not a JSON object",
    ),
    "args-not-a-list": (
        f'input({PREFIX!r} + \'{{"tool": "echo", "args": {{"a": 1}}}}\')',
        r"args must be a list",
    ),
    "garbage-json": (
        f'input({PREFIX!r} + \'{{"tool": "echo", "args": [}}\')',
        r"malformed tool request",
    ),
    "through-the-stub-too-large": (
        "echo('x' * 2_000_000)",
        r"ToolError: the arguments are too large",
    ),
}


@pytest.mark.parametrize(("code", "expect"), REQUESTS.values(), ids=REQUESTS.keys())
def test_every_tool_request_is_answered_within_bounds(
    redteam: Harness, wire: SandboxKernel, code: str, expect: str
) -> None:
    before = _peak_mb()
    started = time.monotonic()
    # the reply to a raw input() is the bridge's JSON: shown as the cell's value
    redteam.attack(wire, code, expect, timeout=20)
    assert time.monotonic() - started < 15, "the request was left unanswered until a timeout"
    assert _peak_mb() - before < 300, "parsing the request cost the host too much memory"


def test_a_dense_forged_message_is_dropped_not_unfolded(
    redteam: Harness, wire: SandboxKernel
) -> None:
    """3 million empty dicts in one 12 MB message would be ~1 GB of Python objects on the host."""
    before = _peak_mb()
    code = """
k = get_ipython().kernel
k.session.send(k.iopub_socket, 'stream', content={'name': 'stdout', 'text': 'x', 'pad': [{}] * 3_000_000},
               parent=k.get_parent('shell'))
import time; time.sleep(0.5); print('sent')
"""
    redteam.attack(wire, code, r"sent[\s\S]*malformed message from the kernel was ignored")
    assert _peak_mb() - before < 300


def test_a_raw_frame_claiming_gigabytes_allocates_nothing(
    redteam: Harness, fresh: SandboxKernel
) -> None:
    """Write a ZMTP frame header announcing 1.5 GiB straight onto the kernel's sockets: the host's
    MAXMSGSIZE drops the peer before allocating; the session recovers (here by a restart)."""
    before = _peak_mb()
    code = """
import os, socket, struct
header = b"\\x02" + struct.pack(">Q", 3 << 29)  # a long message frame of 1.5 GiB
sent = 0
for fd in map(int, os.listdir("/proc/self/fd")):
    try:
        s = socket.socket(fileno=os.dup(fd))
    except OSError:
        continue
    if s.family == socket.AF_UNIX and s.type == socket.SOCK_STREAM:
        try:
            s.getpeername()
            s.send(header + b"\\0" * 4096)
            sent += 1
        except OSError:
            pass
    s.detach()
print("raw frames sent:", sent)
"""
    fresh.execute(code, timeout=5)
    assert _peak_mb() - before < 300, "the host allocated what the frame announced"
    Harness.assert_usable(fresh)
    redteam.assert_other_intact()


# --- class 4: caps that everything respects --------------------------------------------------------


def test_twenty_thousand_input_calls_make_one_notice(redteam: Harness, wire: SandboxKernel) -> None:
    code = "for _ in range(20_000):\n    try:\n        input()\n    except EOFError:\n        pass\nprint('done')"
    obs = redteam.attack(wire, code, r"input\(\) is not available.*\(×20000\)", timeout=60)
    assert len(str(obs)) < 2 * wire.render_limit
    assert len(obs.notices) == 1


def test_failing_image_saves_collapse_into_one_notice(
    redteam: Harness, wire: SandboxKernel
) -> None:
    code = """
import base64, os, shutil
from IPython.display import Image, display
shutil.rmtree('outputs', ignore_errors=True)
open('outputs', 'w').close()  # a file where the host wants a folder
png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
for _ in range(2000):
    display(Image(png))
print('done')
"""
    obs = redteam.attack(wire, code, r"could not be saved.*\(×2000\)", timeout=60)
    assert len(obs.notices) == 1 and len(str(obs)) < 2 * wire.render_limit


IMAGES = {
    "not-a-png": (
        b"GIF89a" + os.urandom(64),
        r"an image was not saved: its data is not a PNG image",
    ),
    "png-over-8-mib": (
        b"\x89PNG\r\n\x1a\n" + b"\0" * (9 * 1024 * 1024),
        r"an image was not saved: it is larger than 8 MiB",
    ),
}


@pytest.mark.parametrize(("data", "expect"), IMAGES.values(), ids=IMAGES.keys())
def test_images_are_checked_before_the_host_writes_them(
    redteam: Harness, wire: SandboxKernel, data: bytes, expect: str
) -> None:
    before = (
        {p.name for p in (wire.workdir / "outputs").glob("*")}
        if (wire.workdir / "outputs").is_dir()
        else set()
    )
    b64 = base64.b64encode(data).decode()
    code = f"""
from IPython.display import display
display({{"image/png": {b64!r}}}, raw=True)
print("shown")
"""
    redteam.attack(wire, code, expect, timeout=30)
    after = (
        {p.name for p in (wire.workdir / "outputs").glob("*")}
        if (wire.workdir / "outputs").is_dir()
        else set()
    )
    assert after == before, "the host wrote the refused image"


def test_forged_error_fields_are_capped(redteam: Harness, wire: SandboxKernel) -> None:
    code = """
k = get_ipython().kernel
k.session.send(k.iopub_socket, 'error', content={'ename': 'E' * 1_000_000, 'evalue': 'v' * 5_000_000,
               'traceback': ['t' * 5_000_000] * 2}, parent=k.get_parent('shell'))
import time; time.sleep(0.5); print('sent')
"""
    obs = redteam.attack(wire, code, r"sent")
    assert obs.error is not None
    assert len(obs.error.name) <= 300 and len(obs.error.value) <= 5000
    assert len(obs.error.traceback) <= wire.max_output_chars
    assert len(obs.output) <= wire.max_output_chars + 200


def test_an_honest_100_mb_print_and_a_huge_exception_keep_head_and_tail(
    redteam: Harness, wire: SandboxKernel
) -> None:
    """Within the wire limit honest output still arrives: the kernel sends it in pieces."""
    obs = redteam.attack(
        wire, "print('x' * 60_000_000); print('END')", r"characters truncated", timeout=60
    )
    assert obs.output.rstrip().endswith("END") and "output was lost" not in str(obs)
    obs = redteam.attack(wire, "raise ValueError('v' * 40_000_000)", r"ValueError", timeout=60)
    assert obs.error is not None and "characters truncated" in obs.error.value
