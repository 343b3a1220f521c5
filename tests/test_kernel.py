"""The local kernel, for real: state, errors, timeouts, hangs, deaths, images, tools."""

from __future__ import annotations

from pathlib import Path

from codeact.kernels.jupyter import JupyterKernel
from codeact.tools import tool
from codeact.types import NO_OUTPUT


def test_state_is_kept_between_executions(kernel: JupyterKernel) -> None:
    kernel.execute("import math\nx = 20")
    assert str(kernel.execute("math.sqrt(x + 5)")) == "5.0"


def test_stdout_stderr_and_last_value_in_order(kernel: JupyterKernel) -> None:
    obs = kernel.execute("import sys\nprint('out')\nprint('err', file=sys.stderr)\n6 * 7")
    assert str(obs) == "out\nerr\n42"
    assert obs.error is None


def test_no_output_marker(kernel: JupyterKernel) -> None:
    assert str(kernel.execute("y = 1")) == NO_OUTPUT


def test_traceback_without_ansi_codes(kernel: JupyterKernel) -> None:
    obs = kernel.execute("def f():\n    return 1 / 0\nf()")
    assert obs.error is not None and obs.error.name == "ZeroDivisionError"
    assert "\x1b[" not in str(obs)
    assert "----> 3 f()" in str(obs) and "ZeroDivisionError: division by zero" in str(obs)


def test_long_output_is_truncated_for_the_model_but_kept(kernel: JupyterKernel) -> None:
    obs = kernel.execute("for i in range(5000): print(f'line {i}')")
    assert "line 0" in str(obs) and "line 4999" in str(obs)
    assert "characters truncated" in str(obs)
    assert "line 2500" in obs.output and "line 2500" not in str(obs)


def test_output_flood_keeps_head_and_tail(tmp_path: Path) -> None:
    with JupyterKernel(tmp_path, max_output_chars=10_000) as k:
        obs = k.execute("print('START'); print('x' * 2_000_000); print('END')")
        assert obs.output.startswith("START") and obs.output.rstrip().endswith("END")
        assert obs.dropped_bytes > 1_900_000
        assert len(obs.output) < 12_000
        assert str(k.execute("1 + 1")) == "2"


def test_timeout_interrupts_and_keeps_state(kernel: JupyterKernel) -> None:
    kernel.execute("kept = 'yes'")
    obs = kernel.execute("import time\ntime.sleep(30)", timeout=1)
    assert obs.error is not None and obs.error.name == "KeyboardInterrupt"
    assert "timed out after 1 s and was interrupted" in str(obs)
    assert kernel.restarts == 0
    assert str(kernel.execute("kept")) == "'yes'"


def test_hung_c_level_code_is_restarted_with_a_notice(kernel: JupyterKernel) -> None:
    kernel.execute("lost = 1")
    # SIGINT blocked: the interrupt cannot take effect, as in a long C call that never checks
    hang = "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\ntime.sleep(60)"
    obs = kernel.execute(hang, timeout=1)
    assert "did not respond to an interrupt" in str(obs)
    assert "variables" in str(obs).lower() and "gone" in str(obs)
    assert kernel.restarts == 1
    assert "NameError" in str(kernel.execute("lost"))
    assert str(kernel.execute("2 + 2")) == "4"


def test_kernel_death_by_exit_is_detected_and_restarted(kernel: JupyterKernel) -> None:
    obs = kernel.execute("import os\nos._exit(3)")
    assert "The kernel died (exit code 3)" in str(obs)
    assert kernel.restarts == 1
    assert str(kernel.execute("'alive'")) == "'alive'"


def test_segfault_is_detected_and_restarted(kernel: JupyterKernel) -> None:
    obs = kernel.execute("import ctypes\nctypes.string_at(0)")
    assert "killed by SIGSEGV" in str(obs)
    assert str(kernel.execute("1")) == "1"


def test_image_output_is_saved_in_the_workspace(kernel: JupyterKernel) -> None:
    code = "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()"
    obs = kernel.execute(code)
    assert obs.images == ["outputs/image_1.png"]
    assert "[image saved to outputs/image_1.png]" in str(obs)
    png = (kernel.workdir / "outputs" / "image_1.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    # the model can open it from its code: the kernel runs in the workspace
    assert str(kernel.execute("import os; os.path.getsize('outputs/image_1.png') > 1000")) == "True"


def test_files_persist_in_the_working_directory(kernel: JupyterKernel) -> None:
    kernel.execute("open('notes.txt', 'w').write('hello')")
    assert (kernel.workdir / "notes.txt").read_text() == "hello"


def test_input_is_refused_with_a_notice(kernel: JupyterKernel) -> None:
    obs = kernel.execute("input('name? ')")
    assert obs.error is not None and obs.error.name == "EOFError"
    assert "input() is not available" in str(obs)


@tool
def convert(amount: float, rate: float = 1.1) -> dict:
    """Convert an amount of money."""
    return {"amount": round(amount * rate, 2), "note": f"rate {rate}"}


@tool
def explode(reason: str) -> str:
    """Always fails."""
    raise RuntimeError(f"tool failed: {reason}")


def test_tools_run_on_the_host_and_return_json(kernel: JupyterKernel) -> None:
    kernel.register_tools([convert, explode])
    assert str(kernel.execute("convert(10)['amount']")) == "11.0"
    assert (
        str(kernel.execute("convert(amount=2, rate=3)")) == "{'amount': 6.0, 'note': 'rate 3.0'}"
    )  # validated as floats
    assert "Convert an amount of money" in str(kernel.execute("print(convert.__doc__)"))


def test_a_tool_that_raises_becomes_an_error_in_the_code(kernel: JupyterKernel) -> None:
    kernel.register_tools([explode])
    obs = kernel.execute("explode('boom')")
    assert obs.error is not None and obs.error.name == "ToolError"
    assert "RuntimeError: tool failed: boom" in str(obs)
    caught = kernel.execute(
        "try:\n    explode('x')\nexcept ToolError as e:\n    print('caught', e)"
    )
    assert str(caught) == "caught RuntimeError: tool failed: x"


def test_tool_called_with_bad_arguments_gets_a_type_error(kernel: JupyterKernel) -> None:
    kernel.register_tools([convert])
    assert "TypeError" in str(kernel.execute("convert(1, 2, 3, 4)"))


def test_tools_survive_a_restart(kernel: JupyterKernel) -> None:
    kernel.register_tools([convert])
    kernel.execute("import os; os._exit(1)")
    assert str(kernel.execute("convert(1, 2)['amount']")) == "2.0"


def test_opt_in_replay_rebuilds_state_after_a_crash(tmp_path: Path) -> None:
    with JupyterKernel(tmp_path, replay_on_restart=True) as k:
        k.execute("import math\nradius = 2")
        k.execute("area = math.pi * radius ** 2")
        k.execute("undefined_name")  # failed cells are not replayed
        obs = k.execute("import os\nos._exit(1)")
        assert "rebuilt by replaying the 2 earlier successful cells" in str(obs)
        assert str(k.execute("round(area, 2)")) == "12.57"


def test_without_replay_the_notice_says_state_is_gone(kernel: JupyterKernel) -> None:
    kernel.execute("radius = 2")
    assert "gone" in str(kernel.execute("import os\nos._exit(1)"))
    assert "NameError" in str(kernel.execute("radius"))


def test_a_flood_of_tiny_messages_keeps_the_true_tail(kernel: JupyterKernel) -> None:
    code = (
        "import sys\nfor i in range(30_000):\n    sys.stdout.write(f'{i}\\n'); sys.stdout.flush()"
    )
    obs = kernel.execute(code, timeout=120)
    assert obs.error is None, str(obs)
    assert obs.output.startswith("0\n1\n") and obs.output.rstrip().endswith("29999")
    assert str(kernel.execute("1 + 1")) == "2"
