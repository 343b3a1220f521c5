"""`codeact serve` takes backend options as `codeact run` does (`--llm-opt`, `--kernel-opt`,
`--base-url` for whatever backend), and warns from the isolation tier the kernel declares."""

from __future__ import annotations

from collections.abc import Callable

import httpx2 as httpx
import pytest
from server_harness import ServerProcess


def test_a_kernel_that_is_not_sandboxed_is_named_from_its_tier(
    server_process: Callable[..., ServerProcess],
) -> None:
    server = server_process("--kernel", "local", "--kernel-opt", "interrupt_grace=2")
    server.start()
    assert httpx.get(f"{server.url}/api/health", timeout=5).status_code == 200
    log = (server.data_dir / "server.log").read_text()
    assert "warning: the local kernel is NOT sandboxed (isolation tier 'none')" in log


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--kernel-opt", "bogus=1"], "the kernel 'sandbox' takes no option 'bogus'"),
        (["--base-url", "http://127.0.0.1:9/v1"], "the llm 'scripted' takes no option 'base_url'"),
        (["--llm-opt", "nope"], "takes KEY=VALUE"),
    ],
)
def test_an_option_the_backend_cannot_take_stops_the_server_with_one_line(
    server_process: Callable[..., ServerProcess], args: list[str], error: str
) -> None:
    server = server_process(*args)
    with pytest.raises(RuntimeError, match="the server exited") as exc:
        server.start()
    assert error in str(exc.value)
