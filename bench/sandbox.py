"""Sandbox performance, each figure against its baseline measured in the same run. Prints JSON.

    .venv/bin/python bench/sandbox.py [--quick] [--no-smolagents]

- pool_first_result: acquire() + first `1+1` from the warm pool vs a cold sandboxed kernel
  (target <= 100 ms median from the pool)
- roundtrip: sandboxed `1+1` vs unsandboxed (target <= 1.1x)
- loop: a 100,000-iteration Python loop in the sandbox vs native CPython (target >= 0.9x), and
  vs smolagents' LocalPythonExecutor, installed only in a separate benchmark virtualenv
- idle_memory: memory of one idle sandboxed kernel vs an unsandboxed one
- concurrency: 20 sessions on this machine, each running small cells at once
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from codeact.kernels.jupyter import JupyterKernel
from codeact.kernels.pool import KernelPool
from codeact.kernels.sandbox import SandboxKernel

LOOP = "total = 0\nfor i in range(100_000):\n    total += i * i % 7\n"
SMOLAGENTS_ENV = Path(tempfile.gettempdir()) / "codeact-bench-smolagents"


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def pool_first_result(sessions: int) -> dict[str, Any]:
    warm, cold = [], []
    with KernelPool(size=2) as pool:
        pool.wait_ready()
        for _ in range(sessions):
            t = time.perf_counter()
            kernel = pool.acquire()
            kernel.execute("1+1")
            warm.append(time.perf_counter() - t)
            kernel.shutdown()
            pool.wait_ready()
    for _ in range(max(3, sessions // 3)):
        t = time.perf_counter()
        with SandboxKernel() as kernel:
            kernel.execute("1+1")
            cold.append(time.perf_counter() - t)
    median = statistics.median(warm)
    return {
        "pool_median_ms": _ms(median),
        "pool_p95_ms": _ms(sorted(warm)[int(0.95 * (len(warm) - 1))]),
        "cold_median_ms": _ms(statistics.median(cold)),
        "target": "<= 100 ms from the pool",
        "met": median <= 0.1,
    }


def _roundtrips(kernel: JupyterKernel, n: int) -> list[float]:
    samples = []
    for _ in range(n + 10):
        t = time.perf_counter()
        kernel.execute("1+1")
        samples.append(time.perf_counter() - t)
    return samples[10:]


def roundtrip(n: int) -> dict[str, Any]:
    with SandboxKernel() as sandboxed, JupyterKernel() as local:
        boxed, plain = [], []
        for _ in range(3):  # interleaved, to share the machine's noise
            boxed += _roundtrips(sandboxed, n // 3)
            plain += _roundtrips(local, n // 3)
    ratio = statistics.median(boxed) / statistics.median(plain)
    return {
        "sandboxed_ms": _ms(statistics.median(boxed)),
        "unsandboxed_ms": _ms(statistics.median(plain)),
        "ratio": round(ratio, 3),
        "target": "<= 1.1",
        "met": ratio <= 1.1,
    }


def _time_in_kernel(kernel: JupyterKernel, runs: int) -> float:
    code = f"import time as _t\n_s = _t.perf_counter()\n{LOOP}print(_t.perf_counter() - _s)"
    return statistics.median(float(str(kernel.execute(code))) for _ in range(runs))


def _time_native(runs: int) -> float:
    def once() -> float:
        start = time.perf_counter()
        exec(compile(LOOP, "<loop>", "exec"), {})
        return time.perf_counter() - start

    return statistics.median(once() for _ in range(runs))


def _time_smolagents(runs: int) -> float | str:
    python = SMOLAGENTS_ENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(SMOLAGENTS_ENV)], check=True)
        install = [str(python), "-m", "pip", "install", "-q", "smolagents"]
        if subprocess.run(install, capture_output=True).returncode != 0:
            return "smolagents could not be installed"
    script = (
        "import time, statistics\n"
        "from smolagents.local_python_executor import LocalPythonExecutor\n"
        "ex = LocalPythonExecutor(additional_authorized_imports=[])\n"
        "ex.send_tools({})\n"
        f"code = {LOOP!r}\n"
        "samples = []\n"
        f"for _ in range({runs}):\n"
        "    s = time.perf_counter(); ex(code); samples.append(time.perf_counter() - s)\n"
        "print(statistics.median(samples))\n"
    )
    out = subprocess.run([str(python), "-c", script], capture_output=True, text=True)
    if out.returncode != 0:
        return f"smolagents failed: {out.stderr.strip().splitlines()[-1:]}"
    return float(out.stdout.strip().splitlines()[-1])


def loop(runs: int, with_smolagents: bool) -> dict[str, Any]:
    with SandboxKernel() as kernel:
        boxed = _time_in_kernel(kernel, runs)
    native = _time_native(runs)
    speed = native / boxed
    result: dict[str, Any] = {
        "sandbox_ms": _ms(boxed),
        "native_cpython_ms": _ms(native),
        "speed_vs_native": round(speed, 3),
        "target": ">= 0.9",
        "met": speed >= 0.9,
    }
    if with_smolagents:
        smol = _time_smolagents(runs)
        result["smolagents_local_executor_ms"] = _ms(smol) if isinstance(smol, float) else smol
        if isinstance(smol, float):
            result["sandbox_speedup_vs_smolagents"] = round(smol / boxed, 1)
    return result


def _tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        todo += [int(c) for c in children]
    return total


def idle_memory() -> dict[str, Any]:
    with SandboxKernel() as boxed, JupyterKernel() as plain:
        boxed.execute("1+1")
        plain.execute("1+1")
        time.sleep(0.5)
        assert boxed.pid and plain.pid
        b, p = _tree_rss(boxed.pid), _tree_rss(plain.pid)
    return {"sandboxed_mib": round(b / 2**20, 1), "unsandboxed_mib": round(p / 2**20, 1)}


def concurrency(sessions: int, cells: int) -> dict[str, Any]:
    kernels = [SandboxKernel() for _ in range(sessions)]
    for k in kernels:
        k.start()
    latencies: list[float] = []
    lock = threading.Lock()

    def work(kernel: SandboxKernel) -> None:
        for i in range(cells):
            t = time.perf_counter()
            kernel.execute(f"x = sum(range({10_000 + i}))\nx")
            with lock:
                latencies.append(time.perf_counter() - t)

    try:
        memory = sum(_tree_rss(k.pid) for k in kernels if k.pid)
        threads = [threading.Thread(target=work, args=(k,)) for k in kernels]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
        single = _single_session_latency(kernels[0], cells)
    finally:
        for k in kernels:
            k.shutdown()
    latencies.sort()
    return {
        "sessions": sessions,
        "cores": os.cpu_count(),
        "total_memory_mib": round(memory / 2**20, 1),
        "median_latency_ms": _ms(statistics.median(latencies)),
        "p95_latency_ms": _ms(latencies[int(0.95 * (len(latencies) - 1))]),
        "baseline_single_session_median_ms": _ms(single),
        "executions_per_s": round(len(latencies) / wall, 1),
    }


def _single_session_latency(kernel: SandboxKernel, cells: int) -> float:
    samples = []
    for i in range(cells):
        t = time.perf_counter()
        kernel.execute(f"x = sum(range({10_000 + i}))\nx")
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> None:
    quick = "--quick" in sys.argv
    results = {
        "pool_first_result": pool_first_result(6 if quick else 20),
        "roundtrip": roundtrip(60 if quick else 300),
        "loop": loop(3 if quick else 7, "--no-smolagents" not in sys.argv),
        "idle_memory": idle_memory(),
        "concurrency": concurrency(20, 5 if quick else 20),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
