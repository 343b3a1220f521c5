"""The agent loop: system prompt, LLM, parse, execute, observation, repeat.

A run ends when the model gives a final answer, replies in plain language (the turn goes back to
the user), the user interrupts, or a budget runs out; each is an `AgentStop` exception. The Agent
is a session: `run()` again with a follow-up and the kernel state (variables, imports, files) and
the conversation are kept. Each `run()` returns its own `RunResult`; the whole conversation is
`agent.trajectory`.

Live callbacks: `on_token(text)` gets the model's reply as it streams, `on_action(action)` the
parsed action before it runs, `on_output(text)` the cell's output as it is produced (stdout,
stderr, results, tracebacks), `on_step(step)` each finished step.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence
from typing import Any

from codeact import __version__
from codeact.actions.tools import answer_messages
from codeact.contracts import LLM, ActionFormat, Kernel, OutputCallback, TokenCallback, Tool
from codeact.errors import (
    AgentStop,
    ConfigError,
    Finished,
    FormatError,
    HandBack,
    Interrupted,
    MaxTokensExceeded,
    MaxTurnsExceeded,
    WallTimeExceeded,
)
from codeact.tools.calling import call_tool
from codeact.tools.toolsets import Toolset, close_all, expand
from codeact.types import (
    Action,
    CodeAction,
    ExecutionError,
    Finish,
    Message,
    Observation,
    Reply,
    RunResult,
    Step,
    ToolCall,
    ToolCalls,
    Trajectory,
)

StepCallback = Callable[[Step], None]
ActionCallback = Callable[[Action], None]


class Agent:
    """A CodeAct agent session: an LLM, a kernel, an action format and tools.

    A kernel is only needed by formats that run code (`action_format.runs_code`); for the others
    (JSON, text) a kernel named by a string is not built, and `kernel=None` is fine. `tools` takes
    tools and toolsets (an `MCPServer`): a toolset's tools are offered, and it is closed with the
    agent.
    """

    def __init__(
        self,
        llm: LLM | str = "local",
        kernel: Kernel | str | None = "sandbox",
        *,
        tools: Sequence[Tool | Toolset] = (),
        action_format: ActionFormat | str = "code",
        max_turns: int = 10,
        max_tokens: int | None = None,
        max_seconds: float | None = None,
        exec_timeout: float = 60.0,
        system_prompt: str | None = None,
        require_solution: bool = False,
        on_step: StepCallback | None = None,
        on_token: TokenCallback | None = None,
        on_output: OutputCallback | None = None,
        on_action: ActionCallback | None = None,
    ) -> None:
        check_limits(max_turns, max_tokens, max_seconds, exec_timeout)
        self.llm = _build_llm(llm)
        self.format = _build_format(action_format)
        self._native = bool(getattr(self.format, "native_tools", False))
        if self._native:
            check_native(self.llm, self.format)
        self.kernel = _build_kernel(kernel) if self.format.runs_code else _given(kernel)
        # a toolset (an MCP server) gives its tools now and is closed with the agent
        self.tools, self._toolsets = expand(tools)
        self.max_turns = max_turns
        self.max_tokens = max_tokens
        self.max_seconds = max_seconds
        self.exec_timeout = exec_timeout
        self.require_solution = require_solution
        self.on_step = on_step
        self.on_token = on_token
        self.on_output = on_output
        self.on_action = on_action
        self._system_prompt = system_prompt
        self._interrupted = False
        self.trajectory = Trajectory(meta=self._meta())
        self._runs: list[tuple[int, int]] = []  # where each run began: (message, step) index

    # --- session --------------------------------------------------------------------------

    def run(self, task: str) -> RunResult:
        """Give the agent a task or a follow-up message; returns this run's result."""
        if not task.strip():
            raise ConfigError("the task is empty: say what the agent should do")
        self._open()
        started = time.perf_counter()
        self._runs.append((len(self.trajectory.messages), len(self.trajectory.steps)))
        self.trajectory.messages.append(Message("user", task))
        self.trajectory.status, self.trajectory.answer = "running", None
        self._interrupted = False
        run = _Budget(self.max_turns, self.max_tokens, self.max_seconds)
        try:
            while True:
                self._step(run)
        except AgentStop as stop:
            self.trajectory.status = stop.status
            if isinstance(stop, Finished):
                self.trajectory.answer = stop.answer
            elif isinstance(stop, HandBack):
                self.trajectory.answer = stop.text
        steps = self.trajectory.steps[self._runs[-1][1] :]
        seconds = time.perf_counter() - started
        return RunResult(self.trajectory.status, self.trajectory.answer, steps, seconds)

    def preload(self, messages: Sequence[Message]) -> None:
        """Start the conversation from earlier messages (a dialogue history): they follow the
        system prompt, before the first `run()`."""
        if self.trajectory.messages:
            raise ConfigError("preload() comes before the first run()")
        self._open()
        self.trajectory.messages.extend(messages)

    def interrupt(self) -> None:
        """Stop the current run at once: a streamed reply at its next token, running code by a
        kernel interrupt, otherwise at the next step (thread-safe)."""
        self._interrupted = True
        if self.kernel is not None:
            self.kernel.interrupt()

    def undo(self) -> bool:
        """Forget the last run (its message, the replies and the observations). What its code did
        to the kernel (variables, files) is not undone. False when there is nothing to undo."""
        if not self._runs:
            return False
        messages, steps = self._runs.pop()
        del self.trajectory.messages[messages:]
        del self.trajectory.steps[steps:]
        self.trajectory.status, self.trajectory.answer = "undone", None
        return True

    def reset(self) -> None:
        """Start a new conversation: the history is cleared and the kernel restarted."""
        self.trajectory = Trajectory(meta=self._meta())
        self._runs.clear()
        if self.kernel is not None:
            self.kernel.restart()

    def close(self) -> None:
        try:
            if self.kernel is not None:
                self.kernel.shutdown()
        finally:
            close_all(self._toolsets)

    def __enter__(self) -> Agent:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open(self) -> None:
        if self.trajectory.messages:
            return
        if self.kernel is not None:
            self.kernel.start()
            if self.tools:
                self.kernel.register_tools(self.tools)
        # always render the format's prompt: formats such as text learn the tools from it
        prompt = self.format.system_prompt(self.tools)
        prompt = self._system_prompt or prompt
        self.trajectory.messages.append(Message("system", prompt))

    # --- one turn ---------------------------------------------------------------------------

    def _step(self, run: _Budget) -> None:
        if self._interrupted:
            raise Interrupted()
        run.check(self.trajectory)
        started = time.perf_counter()
        messages = self.trajectory.messages
        stream = self._stream if self.on_token is not None else None
        native: dict[str, Any] = {}
        if self._native:  # the tools go in the request; the calls come back on the completion
            native["tools"] = self.format.tool_specs(self.tools)  # type: ignore[attr-defined]
        completion = self.llm.complete(messages, stop=self.format.stop, stream=stream, **native)
        run.turns += 1
        run.tokens += completion.usage.total_tokens
        text = self.format.clean(completion.text)
        calls = list(completion.tool_calls) if self._native else []
        messages.append(Message("assistant", text, calls))
        step = Step(turn=len(self.trajectory.steps) + 1, completion=completion)
        step.llm_seconds = time.perf_counter() - started
        try:
            self._act_on(messages[-1], step, run)
        finally:
            step.step_seconds = time.perf_counter() - started
            self.trajectory.steps.append(step)
            if self.on_step is not None:
                self.on_step(step)

    def _act_on(self, message: Message, step: Step, run: _Budget) -> None:
        try:
            action = self._parse(message)
        except FormatError as err:
            step.format_error = str(err)
            self._observe(str(err))
            return
        step.action = action
        if self.on_action is not None:
            self.on_action(action)
        if isinstance(action, Finish):
            raise Finished(action.answer)
        if isinstance(action, Reply):
            if not self.require_solution:
                raise HandBack(action.text)
            self._observe(self.format.nudge)
            return
        exec_started = time.perf_counter()
        if isinstance(action, ToolCalls):  # native calls: each answered by its own message
            results = [self._native_call(call, run) for call in action.calls]
            step.observation = merged(action, results)
            for request, result in zip(message.tool_calls, results, strict=True):
                content = self.format.render_observation(result)
                self.trajectory.messages.append(Message("tool", content, tool_call_id=request.id))
        else:
            step.observation = self._execute(action, run)
            self._observe(step.observation)
        step.exec_seconds = time.perf_counter() - exec_started
        if self._interrupted:
            raise Interrupted()

    def _native_call(self, call: ToolCall, run: _Budget) -> Observation:
        """One of a reply's native calls; once the run is interrupted or out of time, the rest
        are answered without running (each call id still gets its answer)."""
        if self._interrupted or run.out_of_time():
            reason = "interrupted" if self._interrupted else "the run's time is up"
            return Observation(
                output=f"not run: {reason}", error=ExecutionError("NotRun", reason, traceback="")
            )
        return call_tool(self.tools, call)

    def _execute(self, action: Action, run: _Budget) -> Observation:
        if isinstance(action, CodeAction):
            if self.kernel is None:
                raise ConfigError(f"the {self.format.name} format gave code, but no kernel is set")
            timeout = run.exec_timeout(self.exec_timeout)
            if self.on_output is None:  # kernels of other authors may not take the callback
                return self.kernel.execute(action.code, timeout=timeout)
            return self.kernel.execute(action.code, timeout=timeout, on_output=self.on_output)
        if isinstance(action, ToolCall):
            return call_tool(self.tools, action)
        raise TypeError(f"cannot execute {action!r}")

    def _stream(self, text: str) -> None:
        """Pass streamed text on; raising here is how an interrupt stops a generation at once."""
        if self._interrupted:
            raise Interrupted()
        assert self.on_token is not None
        self.on_token(text)

    def _parse(self, message: Message) -> Action:
        parse_message = getattr(self.format, "parse_message", None)  # formats with native calls
        if self._native and callable(parse_message):
            action: Action = parse_message(message)
            return action
        return self.format.parse(message.content)

    def _observe(self, observation: Observation | str) -> None:
        """Give an observation (or an error, a nudge) back: to each native call of the last
        reply when it made some, else as the next user message."""
        content = self.format.render_observation(observation)
        messages = self.trajectory.messages
        messages.extend(answer_messages(messages[-1], content))

    def _meta(self) -> dict[str, Any]:
        return {
            "codeact_version": __version__,
            "llm": self.llm.name,
            "kernel": getattr(self.kernel, "name", type(self.kernel).__name__)
            if self.kernel
            else None,
            "format": self.format.name,
            "tools": [t.name for t in self.tools],
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }


def check_native(llm: Any, fmt: ActionFormat, name: str | None = None) -> None:
    """A format with native function calls needs an LLM (or LLM class) whose `complete()` takes
    `tools=`."""
    params = inspect.signature(llm.complete).parameters
    takes = "tools" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
    if not takes:
        raise ConfigError(
            f"the {fmt.name} format uses the model server's native function calling, which "
            f"{name or llm.name} does not offer (its complete() takes no tools=); use an openai: "
            "server that supports tool calls, or another format"
        )


def merged(action: ToolCalls, results: list[Observation]) -> Observation:
    """The observations of one reply's native calls as one, for the step's record."""
    if len(results) == 1:
        return results[0]
    output = "\n".join(f"[{c.name}] {r}" for c, r in zip(action.calls, results, strict=True))
    error = next((r.error for r in results if r.error is not None), None)
    return Observation(output, error, seconds=sum(r.seconds for r in results))


def check_limits(
    max_turns: int, max_tokens: int | None, max_seconds: float | None, exec_timeout: float
) -> None:
    """Refuse limits that could never let a run start, with the reason."""
    if max_turns < 1:
        raise ConfigError(f"max_turns must be at least 1 (got {max_turns})")
    if max_tokens is not None and max_tokens < 1:
        raise ConfigError(f"the token budget must be at least 1 (got {max_tokens})")
    if max_seconds is not None and max_seconds <= 0:
        raise ConfigError(f"the wall-time budget must be more than 0 s (got {max_seconds:g})")
    if exec_timeout <= 0:
        raise ConfigError(f"the execution timeout must be more than 0 s (got {exec_timeout:g})")


class _Budget:
    """The limits of one `run()` call."""

    def __init__(self, turns: int, tokens: int | None, seconds: float | None) -> None:
        self.max_turns, self.max_tokens, self.max_seconds = turns, tokens, seconds
        self.turns = self.tokens = 0
        self.started = time.monotonic()

    def check(self, trajectory: Trajectory) -> None:
        if self.turns >= self.max_turns:
            raise MaxTurnsExceeded(f"reached the limit of {self.max_turns} turns")
        if self.max_tokens is not None and self.tokens >= self.max_tokens:
            raise MaxTokensExceeded(f"used {self.tokens} of {self.max_tokens} tokens")
        if self.out_of_time():
            raise WallTimeExceeded(f"ran past {self.max_seconds:g} s")

    def out_of_time(self) -> bool:
        return self.max_seconds is not None and time.monotonic() - self.started >= self.max_seconds

    def exec_timeout(self, default: float) -> float:
        if self.max_seconds is None:
            return default
        left = self.max_seconds - (time.monotonic() - self.started)
        return max(1.0, min(default, left))


def _build_llm(llm: LLM | str) -> LLM:
    if isinstance(llm, str):
        from codeact.llms import get_llm

        return get_llm(llm)
    return llm


def _build_kernel(kernel: Kernel | str | None) -> Kernel | None:
    if isinstance(kernel, str):
        from codeact.kernels import get_kernel

        return get_kernel(kernel)
    return kernel


def _given(kernel: Kernel | str | None) -> Kernel | None:
    return None if kernel is None or isinstance(kernel, str) else kernel


def _build_format(fmt: ActionFormat | str) -> ActionFormat:
    if isinstance(fmt, str):
        from codeact.actions import get_format

        return get_format(fmt)
    return fmt
