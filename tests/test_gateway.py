"""The gateway kernel against a real Jupyter Kernel Gateway on 127.0.0.1: the local kernel's
guarantees (state, output, timeouts, deaths, tools, images), kept over REST and WebSocket."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("websocket", reason="needs codeact[gateway]")
pytest.importorskip("kernel_gateway", reason="needs jupyter_kernel_gateway (codeact[dev])")

from codeact.errors import ConfigError, KernelError, MissingDependency
from codeact.kernels import get_kernel
from codeact.kernels.gateway import GatewayKernel
from codeact.kernels.jupyter import STATE_LOST
from codeact.tools import tool

TOKEN = "test-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}/api", timeout=1).read()
    except urllib.error.HTTPError:
        return True  # it is up, it just wants the token
    except OSError:
        return False
    return True


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `jupyter kernelgateway` on a free port of 127.0.0.1, with a token; yields its URL."""
    home = tmp_path_factory.mktemp("gateway")
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "kernel_gateway",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--KernelGatewayApp.auth_token={TOKEN}",
        # its restarter notices a dead kernel after this many seconds (default 3): faster tests
        "--KernelRestarter.time_to_dead=0.5",
    ]
    # runtime files and IPython/matplotlib state stay in the test's folder, not in $HOME
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "IPYTHONDIR": str(home / "ipython"),
        "MPLCONFIGDIR": str(home / "mpl"),
    }
    log = home / "gateway.log"
    # a log file, not a pipe: a full pipe would block the gateway
    proc = subprocess.Popen(cmd, cwd=home, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not _answers(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"the kernel gateway did not start: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def kernel(gateway: str, tmp_path: Path) -> Iterator[GatewayKernel]:
    with GatewayKernel(
        gateway, token=TOKEN, workdir=tmp_path / "work", timeout=10, interrupt_grace=1.5
    ) as k:
        yield k


def test_state_is_kept_between_executions(kernel: GatewayKernel) -> None:
    kernel.execute("import math\nx = 20")
    assert str(kernel.execute("math.sqrt(x + 5)")) == "5.0"


def test_stdout_stderr_and_last_value_in_order(kernel: GatewayKernel) -> None:
    obs = kernel.execute("import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7")
    assert str(obs) == "out\nerr\n42"
    assert obs.error is None


def test_traceback_without_ansi_codes(kernel: GatewayKernel) -> None:
    obs = kernel.execute("def f():\n    return 1 / 0\nf()")
    assert obs.error is not None and obs.error.name == "ZeroDivisionError"
    assert "\x1b[" not in str(obs)
    assert "----> 3 f()" in str(obs) and "ZeroDivisionError: division by zero" in str(obs)


def test_timeout_interrupts_and_keeps_state(kernel: GatewayKernel) -> None:
    kernel.execute("kept = 'yes'")
    obs = kernel.execute("import time\ntime.sleep(30)", timeout=1)
    assert obs.error is not None and obs.error.name == "KeyboardInterrupt"
    assert "timed out after 1 s and was interrupted" in str(obs)
    assert kernel.restarts == 0
    assert str(kernel.execute("kept")) == "'yes'"


def test_hung_code_is_restarted_over_rest_with_a_notice(kernel: GatewayKernel) -> None:
    kernel.execute("lost = 1")
    # SIGINT blocked: the interrupt cannot take effect, as in a long C call that never checks
    hang = "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\ntime.sleep(60)"
    obs = kernel.execute(hang, timeout=1)
    assert "did not respond to an interrupt" in str(obs) and STATE_LOST in str(obs)
    assert kernel.restarts == 1
    assert "NameError" in str(kernel.execute("lost"))


def test_kernel_death_by_exit_is_detected_and_restarted(kernel: GatewayKernel) -> None:
    kernel.execute("kept = 1")
    obs = kernel.execute("import os\nos._exit(3)")
    assert "The kernel died (the gateway reported it restarting) and was restarted" in str(obs)
    assert STATE_LOST in str(obs)
    assert obs.seconds < 8  # noticed by the gateway, not by running into the 10 s timeout
    assert kernel.restarts == 1
    assert "NameError" in str(kernel.execute("kept"))
    assert str(kernel.execute("'alive'")) == "'alive'"


def test_a_kernel_deleted_behind_our_back_is_replaced(gateway: str, kernel: GatewayKernel) -> None:
    old = kernel.kernel_id
    headers = {"Authorization": f"token {TOKEN}"}
    req = urllib.request.Request(f"{gateway}/api/kernels/{old}", headers=headers, method="DELETE")
    assert urllib.request.urlopen(req, timeout=10).status == 204
    obs = kernel.execute("1 + 1")
    assert "The kernel died" in str(obs) and "was restarted" in str(obs)
    assert kernel.kernel_id != old
    assert str(kernel.execute("2 + 2")) == "4"


@tool
def convert(amount: float, rate: float = 1.1) -> dict:
    """Convert an amount of money."""
    return {"amount": round(amount * rate, 2), "note": f"rate {rate}"}


@tool
def explode(reason: str) -> str:
    """Always fails."""
    raise RuntimeError(f"tool failed: {reason}")


def test_tools_run_on_the_host(kernel: GatewayKernel) -> None:
    kernel.register_tools([convert, explode])
    assert str(kernel.execute("convert(10)['amount']")) == "11.0"
    # the host validates the arguments by the annotations (float), whatever the code passed
    assert str(kernel.execute("convert(amount=2, rate=3)")) == "{'amount': 6.0, 'note': 'rate 3.0'}"
    obs = kernel.execute("explode('boom')")
    assert obs.error is not None and obs.error.name == "ToolError"
    assert "RuntimeError: tool failed: boom" in str(obs)


def test_tools_survive_a_death(kernel: GatewayKernel) -> None:
    kernel.register_tools([convert])
    kernel.execute("import os; os._exit(1)")
    assert str(kernel.execute("convert(1, 2)['amount']")) == "2.0"


def test_input_is_refused_with_a_notice(kernel: GatewayKernel) -> None:
    obs = kernel.execute("input('name? ')")
    assert obs.error is not None and obs.error.name == "EOFError"
    assert "input() is not available" in str(obs)


def test_image_output_is_saved_in_the_local_workdir(kernel: GatewayKernel) -> None:
    obs = kernel.execute("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()")
    assert obs.images == ["outputs/image_1.png"]
    assert "[image saved to outputs/image_1.png]" in str(obs)
    assert (kernel.workdir / "outputs" / "image_1.png").read_bytes().startswith(b"\x89PNG")


def test_get_kernel_by_name_and_from_the_environment(
    gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with get_kernel("gateway", url=gateway, token=TOKEN) as k:
        assert str(k.execute("'hi'")) == "'hi'"
    monkeypatch.setenv("CODEACT_GATEWAY_URL", gateway)
    monkeypatch.setenv("CODEACT_GATEWAY_TOKEN", TOKEN)
    k = GatewayKernel()
    try:
        assert str(k.execute("3 * 3")) == "9"
        assert k.kernel_id is not None
    finally:
        k.shutdown()
    assert k.kernel_id is None and not k.workdir.exists()  # deleted remotely, temp dir removed


def test_a_wrong_token_or_url_is_a_clear_error(gateway: str) -> None:
    k = GatewayKernel(gateway, token="wrong")
    with pytest.raises(KernelError, match=r"answered POST /api/kernels with 401"):
        k.start()
    k.shutdown()
    with pytest.raises(ConfigError, match="must start with http"):
        GatewayKernel(gateway.removeprefix("http://"))


def test_a_missing_websocket_client_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "websocket", None)  # what an absent package looks like
    with pytest.raises(MissingDependency, match=r"websocket-client.*codeact\[gateway\]"):
        get_kernel("gateway")
