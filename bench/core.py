"""Core performance figures, each against a baseline measured in the same run. Prints JSON.

    .venv/bin/python bench/core.py [--quick]

- kernel_roundtrip: warm `1+1` through JupyterKernel.execute vs a bare jupyter_client
  execute loop on the same kind of kernel (target ratio <= 1.2)
- agent_overhead: agent time per step that is neither the LLM nor the kernel, with a
  zero-latency scripted LLM (target <= 1 ms)
- import_time: `import codeact` minus a bare interpreter start (target <= 150 ms)
- embedded_tokens_per_second: the `local` backend vs raw llama-cpp-python on the same prompt
  (target ratio >= 0.95)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from jupyter_client.manager import KernelManager

from codeact import Agent
from codeact.kernels.jupyter import JupyterKernel
from codeact.llms.scripted import ScriptedLLM


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def bare_roundtrips(n: int) -> list[float]:
    """The same kind of kernel over the same transport (IPC), driven by the plainest loop."""
    km = KernelManager(kernel_name="python3", transport="ipc", ip=tempfile.mktemp())
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=30)
    try:
        samples = []
        for _ in range(n + 10):
            t = time.perf_counter()
            msg_id = kc.execute("1+1")
            while True:
                msg = kc.get_iopub_msg(timeout=10)
                if (
                    msg["parent_header"].get("msg_id") == msg_id
                    and msg["msg_type"] == "status"
                    and msg["content"]["execution_state"] == "idle"
                ):
                    break
            kc.get_shell_msg(timeout=10)
            samples.append(time.perf_counter() - t)
        return samples[10:]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def codeact_roundtrips(n: int) -> list[float]:
    with JupyterKernel() as kernel:
        samples = []
        for _ in range(n + 10):
            t = time.perf_counter()
            kernel.execute("1+1")
            samples.append(time.perf_counter() - t)
        return samples[10:]


def kernel_roundtrip(n: int) -> dict[str, Any]:
    bare, ours = [], []
    for _ in range(3):  # interleave to share the machine's noise
        bare += bare_roundtrips(n // 3)
        ours += codeact_roundtrips(n // 3)
    ratio = statistics.median(ours) / statistics.median(bare)
    return {
        "codeact_ms": _median_ms(ours),
        "bare_jupyter_client_ms": _median_ms(bare),
        "ratio": round(ratio, 3),
        "target": "<= 1.2",
        "met": ratio <= 1.2,
    }


def agent_overhead(steps: int) -> dict[str, Any]:
    llm = ScriptedLLM(lambda messages: "<execute>1+1</execute>")
    with Agent(llm, JupyterKernel(), max_turns=steps) as agent:
        traj = agent.run("loop")
    overheads = [s.step_seconds - s.exec_seconds - s.completion.seconds for s in traj.steps]
    execs = [s.exec_seconds for s in traj.steps]
    ms = _median_ms(overheads)
    return {
        "steps": len(traj.steps),
        "overhead_per_step_ms": ms,
        "p95_overhead_ms": round(sorted(overheads)[int(len(overheads) * 0.95)] * 1000, 3),
        "baseline_kernel_execute_ms": _median_ms(execs),
        "target": "<= 1 ms",
        "met": ms <= 1.0,
    }


def _python_start(code: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        samples.append(time.perf_counter() - t)
    return samples


def import_time(n: int) -> dict[str, Any]:
    bare, ours = [], []
    for _ in range(n):
        bare += _python_start("pass", 1)
        ours += _python_start("import codeact", 1)
    cost = _median_ms(ours) - _median_ms(bare)
    return {
        "import_codeact_ms": round(cost, 1),
        "bare_interpreter_ms": _median_ms(bare),
        "target": "<= 150 ms",
        "met": cost <= 150,
    }


PROMPT = "Write a short story about a robot learning to paint. Use at least five sentences."


def embedded_tokens_per_second(runs: int) -> dict[str, Any]:
    from llama_cpp import Llama

    from codeact.llms.local import LlamaCppLLM, embedded_model_path
    from codeact.types import Message

    ours = LlamaCppLLM(max_tokens=128)
    raw = Llama(
        model_path=str(embedded_model_path()),
        n_ctx=8192,
        n_threads=ours.n_threads,
        seed=0,
        verbose=False,
    )
    msgs = [{"role": "user", "content": PROMPT}]
    ours_tps, raw_tps = [], []
    for _ in range(runs):
        t = time.perf_counter()
        resp: Any = raw.create_chat_completion(
            messages=msgs, temperature=0.0, max_tokens=128, stop=[]
        )
        raw_tps.append(resp["usage"]["completion_tokens"] / (time.perf_counter() - t))
        t = time.perf_counter()
        c = ours.complete([Message("user", PROMPT)])
        ours_tps.append(c.usage.completion_tokens / (time.perf_counter() - t))
    ratio = statistics.median(ours_tps) / statistics.median(raw_tps)
    return {
        "codeact_tokens_per_s": round(statistics.median(ours_tps), 1),
        "raw_llama_cpp_tokens_per_s": round(statistics.median(raw_tps), 1),
        "ratio": round(ratio, 3),
        "target": ">= 0.95",
        "met": ratio >= 0.95,
    }


def main() -> None:
    quick = "--quick" in sys.argv
    tempfile.tempdir = tempfile.mkdtemp(prefix="codeact-bench-")
    results = {
        "kernel_roundtrip": kernel_roundtrip(60 if quick else 300),
        "agent_overhead": agent_overhead(30 if quick else 200),
        "import_time": import_time(5 if quick else 15),
        "embedded_tokens_per_second": embedded_tokens_per_second(2 if quick else 6),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
