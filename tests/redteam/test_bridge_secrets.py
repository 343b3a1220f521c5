"""Secrets through the tool bridge: what a tool's author keeps on the host must never reach the
sandbox or the prompt, whatever the code inside asks for, and the host validates every argument.

Checked where the secret could surface: the kernel's namespace (stub docstrings, help(), globals,
gc), the system prompt of every format, the JSON schema, and the tool's results.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator

import pytest
from redteam_harness import CLEAN, Harness, new_token, start_kernel

from codeact import tool
from codeact.actions import get_format
from codeact.kernels.sandbox import SandboxKernel
from codeact.tools.calling import call_tool
from codeact.types import ToolCall

SECRET = new_token()


class Client:
    """A host object whose repr gives its key away (as many SDK clients' do)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def __repr__(self) -> str:
        return f"Client(key={self.key!r}) at {hex(id(self))}"


@dataclasses.dataclass
class Account:
    name: str
    balance: float
    api_key: str = dataclasses.field(repr=False, default=SECRET)


@dataclasses.dataclass
class Session:
    user: str
    client: Client


def _search(query: str, api_key: str) -> str:
    """Search the web with the host's key."""
    return f"results for {query} (key of {len(api_key)} chars)"


search = tool(_search, name="search", bind={"api_key": SECRET})


@tool
def lookup(query: str, token: str = SECRET, client: Client = Client(SECRET), limit: int = 5) -> str:  # noqa: B008
    """Look something up."""
    return query


@tool
def account(name: str) -> Account:
    """An account, as a dataclass with a host-only field."""
    return Account(name, 10.0)


@tool
def session(user: str) -> Session:
    """A session holding a client object."""
    return Session(user, Client(SECRET))


@tool
def pay(amount: float) -> str:
    """Pay an amount; refuses more than 100."""
    if amount > 100:
        raise ValueError("too much")
    return f"paid {amount}"


TOOLS = [search, lookup, account, session, pay]


@pytest.fixture(scope="module")
def bridged(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("bridge"))
    kernel.register_tools(TOOLS)
    yield kernel
    kernel.shutdown()


def _assert_secret_absent(text: str) -> None:
    assert SECRET[9:] not in text, "a host secret reached the sandbox or the prompt"


HUNTS = {
    "stub-docstrings-and-help": "import io, contextlib\nbuf = io.StringIO()\nwith contextlib.redirect_stdout(buf):\n    for t in (search, lookup, account, session, pay):\n        help(t)\nreport(buf.getvalue())",
    "every-global-and-gc-object": "import gc\nreport(repr(globals()) + ''.join(repr(o)[:2000] for o in gc.get_objects() if isinstance(o, (str, dict, tuple))))",
    "call-with-the-key-by-name": "search('q', api_key='mine')",
    "bound-key-by-position": "search('q', 'mine')",
    "dataclass-result": "print(account('ann'))",
    "object-inside-a-result": "session('ann')",
}
EXPECT = {
    "stub-docstrings-and-help": CLEAN,
    "every-global-and-gc-object": CLEAN,
    "call-with-the-key-by-name": r"TypeError: got an unexpected keyword argument 'api_key'",
    "bound-key-by-position": r"TypeError: too many positional arguments",
    "dataclass-result": r"\{'name': 'ann', 'balance': 10.0\}",
    "object-inside-a-result": r"cannot be sent to the code: return JSON values",
}


@pytest.mark.parametrize("name", HUNTS)
def test_bound_and_default_secrets_stay_on_the_host(
    redteam: Harness, bridged: SandboxKernel, name: str
) -> None:
    obs = redteam.attack(bridged, HUNTS[name], EXPECT[name])
    _assert_secret_absent(str(obs) + obs.output)
    assert "0x7f" not in obs.output, "a host heap address reached the sandbox"


def test_the_bound_value_is_used_on_the_host(bridged: SandboxKernel) -> None:
    assert (
        str(bridged.execute("search('cats')")) == f"'results for cats (key of {len(SECRET)} chars)'"
    )


@pytest.mark.parametrize("fmt", ["code", "json", "text"])
def test_no_secret_in_any_prompt_or_schema(fmt: str) -> None:
    prompt = get_format(fmt).system_prompt(TOOLS)
    _assert_secret_absent(prompt + repr([t.json_schema() for t in TOOLS]))
    assert (
        "lookup(query: str, token: str = ..., client: Client = ..., limit: int = 5)" in prompt
        or fmt != "code"
    )
    assert "api_key" not in prompt


def test_nan_and_infinity_are_refused_by_the_host(redteam: Harness, bridged: SandboxKernel) -> None:
    redteam.attack(
        bridged,
        "pay(float('nan'))",
        r"TypeError: invalid arguments for pay: amount: Input should be a finite number",
    )
    redteam.attack(bridged, "pay(float('inf'))", r"finite number")
    obs = call_tool(TOOLS, ToolCall("pay", {"amount": math.nan}))
    assert obs.error is not None and "finite number" in obs.error.value
    assert str(bridged.execute("pay('12.5')")) == "'paid 12.5'"  # lax where it is safe
