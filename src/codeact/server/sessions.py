"""Live conversations: one Agent and one sandboxed kernel each, turns run in worker threads.

Why threads and not an async agent loop: the Agent, the kernels and the LLM clients are the same
blocking code the CLI runs, and a thread per running turn reuses them unchanged while the HTTP
side stays async. The caps bound the threads: at most `max_running` turns run at once and at most
`max_kernels` kernels live; past them a request gets a 429, never a slower machine. The workers
are long-lived pool threads on purpose: a sandboxed kernel dies with the THREAD that started it
(bubblewrap's --die-with-parent is a parent-death signal, which fires when that thread exits), and
a turn may start or restart its kernel.

A conversation without a live kernel gets one on its next message: warm from the pool when it
has no workspace yet, else started on its workspace. If its old kernel had run code, the model is
told that the state is gone (or rebuilt, with `replay`). All calls into the Agent are here, in
`_new_agent` and `_run_agent`.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import shutil
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeact.agent import Agent
from codeact.contracts import LLM, Kernel
from codeact.errors import CodeActError
from codeact.kernels import get_kernel
from codeact.kernels.loop import STATE_LOST
from codeact.kernels.pool import KernelPool
from codeact.server.config import ServerConfig
from codeact.server.events import EventBus, trajectory_of
from codeact.server.recorder import Recorder
from codeact.server.store import ConversationInfo, EventRecord, Store
from codeact.types import CodeAction, Message, Step

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A request the service cannot take now; `status` is its HTTP status."""

    status = 400
    retry_after: int | None = None


class Busy(ServiceError):
    status = 429
    retry_after = 2


class Conflict(ServiceError):
    status = 409


class Closing(ServiceError):
    status = 503
    retry_after = 5


class BadSettings(ServiceError):
    status = 422


@dataclass(eq=False)
class Live:
    """A conversation with a kernel on this server (or about to get one)."""

    conversation: ConversationInfo
    recorder: Recorder
    agent: Agent | None = None
    kernel: Kernel | None = None
    running: bool = False
    finishing: bool = False  # the turn's end is being recorded
    stop_requested: bool = False
    last_used: float = field(default_factory=time.monotonic)
    idle: threading.Event = field(default_factory=threading.Event)


class SessionManager:
    """`llm` serves every conversation unless its settings pick one of `choices` (name -> LLM)."""

    def __init__(
        self,
        config: ServerConfig,
        store: Store,
        bus: EventBus,
        llm: LLM,
        choices: Mapping[str, LLM] | None = None,
    ) -> None:
        self.config, self.limits, self.store, self.bus, self.llm = (
            config, config.limits, store, bus, llm
        )  # fmt: skip
        self.llms: dict[str, LLM] = {config.llm: llm, **(choices or {})}
        config.workspaces.mkdir(parents=True, exist_ok=True)
        self._live: OrderedDict[str, Live] = OrderedDict()
        self._lock = threading.Lock()
        self._workspace_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._lost: dict[str, str] = {}  # conversation -> why its kernel went away
        self._pool_dirs: set[str] = set()  # workspaces of pooled kernels not handed out yet
        self._closing = threading.Event()
        self._workers = ThreadPoolExecutor(
            self.limits.max_running, thread_name_prefix="codeact-turn"
        )
        self.pool = KernelPool(self._pooled_kernel, config.pool_size) if config.pool_size else None
        self._culler = threading.Thread(target=self._cull_loop, name="codeact-culler", daemon=True)
        self._culler.start()

    # --- what the API calls -------------------------------------------------------------------

    def recover(self) -> int:
        """After a crash: end the turns that were running, saying so. Returns how many."""
        cut = self.store.running_conversations()
        for conversation_id in cut:
            text = "The server stopped during this turn; it was cut short."
            run = {"status": "interrupted", "answer": None, "reason": "server restarted"}
            events: list[tuple[str, dict[str, Any]]] = [("notice", {"text": text}), ("run", run)]
            self.store.append(conversation_id, events, status="idle")
        return len(cut)

    def submit(self, conversation: ConversationInfo, text: str) -> EventRecord:
        """Store the user's message (it is acknowledged once this returns) and start the turn."""
        try:
            live, victims = self._claim(conversation)
        except Conflict:
            # a client that saw the `run` event may answer before the worker has let go: wait
            finishing = self._live.get(conversation.id)
            if finishing is None or not finishing.finishing or not finishing.idle.wait(10):
                raise
            live, victims = self._claim(conversation)
        try:
            [record] = live.recorder.append([("input", {"text": text})], status="running")
        except BaseException:
            self._release(live)
            raise
        for victim in victims:
            threading.Thread(
                target=self._close, args=(victim, "others needed room"), daemon=True
            ).start()
        self._workers.submit(self._turn, live)
        return record

    def stop(self, conversation_id: str) -> bool:
        """Interrupt the running turn (and its running code). False if none was running."""
        with self._lock:
            live = self._live.get(conversation_id)
            if live is None or not live.running:
                return False
            live.stop_requested = True
        threading.Thread(target=self._interrupt_until_idle, args=(live,), daemon=True).start()
        return True

    @staticmethod
    def _interrupt_until_idle(live: Live, tries: int = 20) -> None:
        """Interrupt, and again while the turn goes on: an interrupt that lands just before the
        code starts, or between two cells, would otherwise be lost."""
        for _ in range(tries):
            if live.agent is not None:
                live.agent.interrupt()
            if live.idle.wait(0.5):
                return

    def forget(self, conversation: ConversationInfo) -> None:
        """Before deleting a conversation: stop its turn, close its kernel, remove its workspace."""
        if self.stop(conversation.id):
            live = self._live.get(conversation.id)
            if live is not None:
                live.idle.wait(timeout=15)
        with self._lock:
            live = self._live.pop(conversation.id, None)
        if live is not None:
            self._close(live, "")
        with self._workspace_locks[conversation.id]:
            name = self._current_workspace(conversation.id)  # a turn may have just made it
            if name:
                # rmtree works on open folder fds and never follows the links the code planted
                shutil.rmtree(self.config.workspaces / name, ignore_errors=True)
        self._workspace_locks.pop(conversation.id, None)

    def workspace(self, conversation: ConversationInfo, create: bool = False) -> Path | None:
        """The conversation's workspace folder (made now if `create`), else None."""
        with self._workspace_locks[conversation.id]:
            name = self._current_workspace(conversation.id)
            if not name and create:
                name = self._new_workspace()
                self.store.set_workspace(conversation.id, name)
            return self.config.workspaces / name if name else None

    def options(self) -> dict[str, Any]:
        """What a conversation's settings may choose, and the defaults."""
        return {"llms": list(self.llms), "llm": self.config.llm, "max_turns": self.limits.max_turns}

    def check_settings(self, settings: dict[str, Any]) -> None:
        """BadSettings, saying why, unless this server allows `settings`."""
        llm, max_turns = settings.get("llm"), settings.get("max_turns")
        if llm is not None and llm not in self.llms:
            raise BadSettings(
                f"settings.llm: {llm!r} is not offered here; choose one of {list(self.llms)}"
            )
        if max_turns is not None and not 1 <= max_turns <= self.limits.max_turns:
            raise BadSettings(f"settings.max_turns: between 1 and {self.limits.max_turns}")

    def is_live(self, conversation_id: str) -> bool:
        return conversation_id in self._live

    def health(self) -> dict[str, Any]:
        with self._lock:
            lives = list(self._live.values())
        return {
            "status": "closing" if self._closing.is_set() else "ok",
            "live_kernels": len(lives),
            "running_turns": sum(live.running for live in lives),
            "pool_ready": self.pool.ready if self.pool else 0,
            "limits": {
                "max_kernels": self.limits.max_kernels,
                "max_running": self.limits.max_running,
            },
        }

    def shutdown(self) -> None:
        """Let running turns finish (up to `shutdown_grace`), interrupt the rest, close kernels.
        A turn still running after that stays marked running, and the next start ends it."""
        self._closing.set()
        self._wait_idle(self.limits.shutdown_grace)
        for conversation_id in list(self._live):
            self.stop(conversation_id)
        self._wait_idle(10.0)
        with self._lock:
            lives = list(self._live.values())
            self._live.clear()
        for live in lives:
            if not live.running:
                self._close(live, "")
        if self.pool is not None:
            self.pool.close()
        for name in list(self._pool_dirs):
            shutil.rmtree(self.config.workspaces / name, ignore_errors=True)
        self._workers.shutdown(wait=False, cancel_futures=True)

    # --- admission --------------------------------------------------------------------------

    def _claim(self, conversation: ConversationInfo) -> tuple[Live, list[Live]]:
        """Reserve a turn for `conversation` within the caps; returns it and the kernels to cull."""
        limits = self.limits
        with self._lock:
            if self._closing.is_set():
                raise Closing("the server is shutting down; retry shortly")
            live = self._live.get(conversation.id)
            if live is not None and live.running:
                raise Conflict("a turn is already running in this conversation: wait or stop it")
            running = [lv for lv in self._live.values() if lv.running]
            if len(running) >= limits.max_running:
                raise Busy(f"{len(running)} turns are running, the server's limit; retry shortly")
            if (
                sum(lv.conversation.owner == conversation.owner for lv in running)
                >= limits.max_running_per_user
            ):
                raise Busy(
                    f"you have {limits.max_running_per_user} turns running, your limit; retry shortly"
                )
            victims: list[Live] = []
            if live is None:
                victims = self._make_room(conversation.owner)
                live = Live(conversation, Recorder(self.store, self.bus, conversation.id))
                self._live[conversation.id] = live
            live.conversation = conversation  # its settings as of this request
            live.running, live.stop_requested = True, False
            live.idle.clear()
            self._live.move_to_end(conversation.id)
            return live, victims

    def _make_room(self, owner: str) -> list[Live]:
        """Pick the least recently used idle kernels to cull so one more fits; Busy if none."""
        victims: list[Live] = []
        mine = [lv for lv in self._live.values() if lv.conversation.owner == owner]
        if len(mine) >= self.limits.max_kernels_per_user:
            victims.append(self._idlest(mine, "you have"))
        if len(self._live) - len(victims) >= self.limits.max_kernels:
            others = [lv for lv in self._live.values() if lv not in victims]
            victims.append(self._idlest(others, "the server has"))
        for victim in victims:
            del self._live[victim.conversation.id]
        return victims

    @staticmethod
    def _idlest(candidates: list[Live], who: str) -> Live:
        for live in candidates:  # in least recently used order
            if not live.running:
                return live
        raise Busy(f"{who} as many live kernels as allowed, all busy; retry shortly")

    def _release(self, live: Live) -> None:
        with self._lock:
            live.running = live.finishing = False
            live.last_used = time.monotonic()
            live.idle.set()

    def _wait_idle(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                if not any(live.running for live in self._live.values()):
                    return
            time.sleep(0.05)

    # --- one turn (a worker thread) -----------------------------------------------------------

    def _turn(self, live: Live) -> None:
        status, answer, error = "error", None, None
        try:
            notice = self._prepare(live)
            agent = live.agent
            assert agent is not None
            task = self._task(live, notice)
            live.recorder.begin(agent.trajectory.messages)
            if live.stop_requested:
                status = "interrupted"
            else:
                status, answer = self._run_agent(agent, task, live.conversation.meta)
        except Exception as exc:
            log.exception("turn failed in %s", live.conversation.id)
            error = str(exc) if isinstance(exc, CodeActError) else f"{type(exc).__name__}: {exc}"
        finally:
            self._end_turn(live, status, answer, error)

    def _prepare(self, live: Live) -> str | None:
        """Give the conversation a kernel and an agent if it has none; say what state was lost."""
        if live.agent is not None:
            return None
        conversation = live.conversation
        kernel = self._kernel_for(conversation.id)
        live.kernel = kernel
        events = self.store.events(conversation.id)
        agent = self._new_agent(kernel, live.recorder)
        agent.trajectory = trajectory_of(conversation, events)
        saved = len(agent.trajectory.messages)
        if not saved:
            agent.trajectory.messages.append(
                Message("system", agent.format.system_prompt(agent.tools))
            )
        live.recorder.begin(agent.trajectory.messages)
        live.recorder.saved = saved
        live.recorder.flush()
        tasks = [e.id for e in events if e.type == "message" and e.data.get("kind") == "task"]
        live.recorder.last_task_id = tasks[-1] if tasks else 0
        live.agent = agent
        if not any(e.type == "code" for e in events):
            return None  # no code ever ran here: no state was lost
        why = self._lost.pop(conversation.id, "the server restarted")
        return self._rebuild(kernel, agent.trajectory.steps, why)

    def _rebuild(self, kernel: Kernel, steps: list[Step], why: str) -> str:
        lost = f"The Python kernel was restarted since your last turn ({why}). "
        if not self.config.replay:
            return lost + STATE_LOST
        cells = [
            step.action.code
            for step in steps
            if isinstance(step.action, CodeAction) and step.observation and step.observation.ok
        ]
        failed = sum(not kernel.execute(code).ok for code in cells)
        if failed:
            return lost + (
                f"Replaying the {len(cells)} earlier successful cells failed in {failed} of them, "
                "so some variables may be missing. Check before relying on them."
            )
        return (
            lost + f"The state was rebuilt by replaying the {len(cells)} earlier successful cells."
        )

    def _task(self, live: Live, notice: str | None) -> str:
        """What the model is told: the messages since its last task, after any notice."""
        inputs = self.store.events(live.conversation.id, live.recorder.last_task_id, ("input",))
        text = "\n\n".join(e.data["text"] for e in inputs)
        if notice is None:
            return text
        live.recorder.append([("notice", {"text": notice})])
        return f"[{notice}]\n\n{text}"

    def _end_turn(self, live: Live, status: str, answer: str | None, error: str | None) -> None:
        events: list[tuple[str, dict[str, Any]]] = [("error", {"message": error})] if error else []
        events.append(("run", {"status": status, "answer": answer}))
        live.finishing = True
        try:
            if live.agent is not None:
                live.recorder.flush(*events, status="idle")
            else:
                live.recorder.append(events, status="idle")
        except Exception:  # the conversation was deleted meanwhile, or the database is gone
            log.exception("could not record the end of a turn in %s", live.conversation.id)
        self._release(live)

    # --- the Agent: the only two places that call it --------------------------------------------

    def _new_agent(self, kernel: Kernel, recorder: Recorder) -> Agent:
        return Agent(
            self.llm,
            kernel,
            max_turns=self.limits.max_turns,
            exec_timeout=self.limits.exec_timeout,
            on_step=recorder.on_step,
            on_token=recorder.on_token,
            on_action=recorder.on_action,
            on_output=recorder.on_output,
        )

    def _run_agent(self, agent: Agent, task: str, meta: dict[str, Any]) -> tuple[str, str | None]:
        settings = meta.get("settings", {})  # checked when set; the server may have changed since
        agent.llm = self.llms.get(settings.get("llm"), self.llm)
        agent.max_turns = min(
            settings.get("max_turns") or self.limits.max_turns, self.limits.max_turns
        )
        result = agent.run(task)
        return result.status, result.answer

    # --- kernels and workspaces ---------------------------------------------------------------

    def _kernel_for(self, conversation_id: str) -> Kernel:
        """A started kernel: warm from the pool for a conversation with no workspace yet."""
        with self._workspace_locks[conversation_id]:
            name = self._current_workspace(conversation_id)
            if not name and self.pool is not None:
                kernel = self.pool.acquire()
                name = kernel.workdir.name
                self._pool_dirs.discard(name)
                self.store.set_workspace(conversation_id, name)
                return kernel
            if not name:
                name = self._new_workspace()
                self.store.set_workspace(conversation_id, name)
        kernel = self._make_kernel(self.config.workspaces / name)
        kernel.start()
        return kernel

    def _current_workspace(self, conversation_id: str) -> str:
        return self.store.workspace_of(conversation_id) or ""

    def _new_workspace(self) -> str:
        name = f"w_{secrets.token_hex(12)}"
        (self.config.workspaces / name).mkdir(mode=0o755)
        return name

    def _pooled_kernel(self) -> Kernel:
        name = self._new_workspace()
        self._pool_dirs.add(name)
        return self._make_kernel(self.config.workspaces / name)

    def _make_kernel(self, workdir: Path) -> Kernel:
        options = {"timeout": self.limits.exec_timeout, **self.config.kernel_options}
        if self.config.replay:
            options["replay_on_restart"] = True
        return get_kernel(self.config.kernel, workdir=workdir, **options)

    def _close(self, live: Live, why: str) -> None:
        with contextlib.suppress(Exception):
            if live.agent is not None:
                live.agent.close()
            elif live.kernel is not None:
                live.kernel.shutdown()
        if why and live.kernel is not None:
            self._lost[live.conversation.id] = why

    def _cull_loop(self) -> None:
        idle_for = self.limits.idle_timeout
        while not self._closing.wait(max(0.2, min(30.0, idle_for / 4))):
            cutoff = time.monotonic() - idle_for
            with self._lock:
                stale = [
                    lv for lv in self._live.values() if not lv.running and lv.last_used < cutoff
                ]
                for live in stale:
                    del self._live[live.conversation.id]
            for live in stale:
                self._close(live, f"it was idle for more than {idle_for:g} s")
