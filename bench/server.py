"""Server performance, against the Agent called directly in the same run. Prints JSON.

    .venv/bin/python bench/server.py [--conversations 20] [--turns 5]

`codeact serve` runs as its own process with a zero-latency scripted LLM (`runs_task_code`) and
sandboxed kernels. N conversations are driven at once over HTTP, each with an SSE stream kept open
(as a web page would). Every turn runs one cell and then answers: two steps.

- first_event: from POST of a message to the first event of the turn on the stream (p50, p95)
- turn: from POST to the turn's `run` event, vs `Agent.run` on a warm sandboxed kernel with the
  same LLM and tasks, at the same concurrency and alone; overhead per step = difference / 2
  (target: at most 10 ms per step at p50)
- events_per_s: events the streams received per second while all conversations ran
- memory: RSS of the server process, and of it with all its kernels, with N live kernels
- cpu_ms_per_turn: CPU time per turn of the server process, of its kernels, and of this process
  (the HTTP clients), during the concurrent phase: on a small machine they share the same cores
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx
import psutil

from codeact.agent import Agent
from codeact.kernels.sandbox import SandboxKernel
from codeact.llms.scripted import ScriptedLLM, runs_task_code

SCRIPTED = "scripted:codeact.llms.scripted:runs_task_code"
STEPS_PER_TURN = 2


def task(i: int) -> str:
    return f"Run this.\n```python\nvalues = [v * {i} for v in range(100)]\nprint(sum(values))\n```"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))] * 1000, 2)


def summary(values: list[float]) -> dict[str, float]:
    return {"p50_ms": pct(values, 0.5), "p95_ms": pct(values, 0.95), "n": len(values)}


class Conversation:
    """One conversation over HTTP, with a stream read by a thread of its own."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, timeout=120)
        self.id = self.client.post("/api/conversations", json={}).json()["id"]
        self.events: queue.Queue[tuple[float, dict[str, Any]]] = queue.Queue()
        self.received = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server went away at the end
            self._read_stream()

    def _read_stream(self) -> None:
        url = f"/api/conversations/{self.id}/stream"
        with (
            httpx.Client(base_url=self.client.base_url, timeout=None) as stream_client,
            stream_client.stream("GET", url) as response,
        ):
            current: dict[str, Any] = {}
            for line in response.iter_lines():
                if not line:
                    if "type" in current:
                        self.received += 1
                        self.events.put((time.perf_counter(), current))
                    current = {}
                elif line.startswith("event:"):
                    current["type"] = line[6:].strip()
                elif line.startswith("id:"):
                    current["id"] = int(line[3:])

    def turn(self, text: str) -> tuple[float, float]:
        """(seconds to the first event after the input, seconds to the run event)."""
        started = time.perf_counter()
        ack = self.client.post(f"/api/conversations/{self.id}/messages", json={"text": text})
        ack.raise_for_status()
        ack_id = ack.json()["event"]["id"]
        first = None
        while True:
            at, event = self.events.get(timeout=120)
            if event.get("id", ack_id + 1) <= ack_id:
                continue  # earlier events, and the echo of our own input
            first = first if first is not None else at - started
            if event["type"] == "run":
                return first, at - started


def serve(data_dir: Path, port: int, n: int) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable, "-m", "codeact", "serve", "--port", str(port), "--data-dir", str(data_dir),
        "--llm", SCRIPTED, "--pool-size", "2", "--max-kernels", str(n + 4), "--max-running", str(n),
        "--max-running-per-user", str(n), "--max-kernels-per-user", str(n + 4), "--timeout", "30",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def run_concurrently(jobs: list[Any]) -> None:
    threads = [threading.Thread(target=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def bench_server(url: str, n: int, turns: int, server: psutil.Process) -> dict[str, Any]:
    conversations = [Conversation(url) for _ in range(n)]
    run_concurrently([lambda c=c: c.turn(task(0)) for c in conversations])  # warm-up: kernels start
    live = httpx.get(f"{url}/api/health").json()["live_kernels"]
    tree = [server, *server.children(recursive=True)]
    memory = {
        "live_kernels": live,
        "server_rss_mib": round(server.memory_info().rss / 2**20, 1),
        "total_rss_mib": round(sum(_rss(p) for p in tree) / 2**20, 1),
    }
    memory["per_kernel_mib"] = round(
        (memory["total_rss_mib"] - memory["server_rss_mib"]) / max(1, live), 1
    )
    received_before = sum(c.received for c in conversations)
    first_events, latencies = [], []

    def drive(conversation: Conversation) -> None:
        for i in range(1, turns + 1):
            first, total = conversation.turn(task(i))
            first_events.append(first)
            latencies.append(total)

    cpu_before = _cpu(server), _cpu_of(server.children(recursive=True)), _cpu(psutil.Process())
    started = time.perf_counter()
    run_concurrently([lambda c=c: drive(c) for c in conversations])
    elapsed = time.perf_counter() - started
    cpu_after = _cpu(server), _cpu_of(server.children(recursive=True)), _cpu(psutil.Process())
    cpu = [
        round((a - b) * 1000 / len(latencies), 2)
        for a, b in zip(cpu_after, cpu_before, strict=True)
    ]
    events = sum(c.received for c in conversations) - received_before
    alone = Conversation(url)
    alone.turn(task(0))
    single = [alone.turn(task(i)) for i in range(1, 3 * turns + 1)]
    return {
        "first_event": summary(first_events),
        "turn": summary(latencies),
        "first_event_alone": summary([first for first, _ in single]),
        "turn_alone": summary([total for _, total in single]),
        "events_per_s": round(events / elapsed, 1),
        "cpu_ms_per_turn": {"server": cpu[0], "kernels": cpu[1], "http_clients": cpu[2]},
        "memory": memory,
    }


def bench_agents(n: int, turns: int) -> dict[str, Any]:
    agents = [Agent(ScriptedLLM(runs_task_code), SandboxKernel(timeout=30)) for _ in range(n)]
    for agent in agents:
        assert agent.kernel is not None
        agent.kernel.start()
    run_concurrently([lambda a=a: a.run(task(0)) for a in agents])
    latencies: list[float] = []

    def drive(agent: Agent) -> None:
        for i in range(1, turns + 1):
            started = time.perf_counter()
            agent.run(task(i))
            latencies.append(time.perf_counter() - started)

    run_concurrently([lambda a=a: drive(a) for a in agents])
    single = []
    for i in range(1, 3 * turns + 1):
        started = time.perf_counter()
        agents[0].run(task(i))
        single.append(time.perf_counter() - started)
    for agent in agents:
        agent.close()
    return {"turn": summary(latencies), "turn_alone": summary(single)}


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
        return float(times.user + times.system)
    except psutil.Error:
        return 0.0


def _cpu_of(processes: list[psutil.Process]) -> float:
    return sum(_cpu(p) for p in processes)


def _rss(process: psutil.Process) -> int:
    try:
        return int(process.memory_info().rss)
    except psutil.Error:
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--turns", type=int, default=5)
    args = parser.parse_args()

    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="codeact-bench-server-") as data:
        proc = serve(Path(data), port, args.conversations)
        try:
            server = bench_server(
                f"http://127.0.0.1:{port}", args.conversations, args.turns, psutil.Process(proc.pid)
            )
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    direct = bench_agents(args.conversations, args.turns)
    overhead = (server["turn"]["p50_ms"] - direct["turn"]["p50_ms"]) / STEPS_PER_TURN
    overhead_alone = (
        server["turn_alone"]["p50_ms"] - direct["turn_alone"]["p50_ms"]
    ) / STEPS_PER_TURN
    report = {
        "conversations": args.conversations,
        "turns_each": args.turns,
        "steps_per_turn": STEPS_PER_TURN,
        "cpus": os.cpu_count(),
        "server": server,
        "agent_directly": direct,
        "overhead_per_step_ms_p50": {
            "concurrent": round(overhead, 2),
            "alone": round(overhead_alone, 2),
        },
        "target": "overhead <= 10 ms per step at p50",
    }
    print(json.dumps(report, indent=1))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


if __name__ == "__main__":
    main()
