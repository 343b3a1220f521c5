"""`--llm oracle`: replays a task's reference solution, written in the format under test.

It is an ordinary LLM backend that declares two capabilities (see contracts.py): it is built per
episode (`per_episode`), since it needs the task and the format, and it `covers` only the tasks
whose reference the format can write. So it works for every format, built-in or plugged in,
without the benchmark knowing its name. Replies are rendered at the first turn, when the format
has seen the tools (the text format maps arguments by their position).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from codeact.contracts import ActionFormat, TokenCallback
from codeact.errors import ConfigError
from codeact.llms.scripted import ScriptedLLM
from codeact.types import Completion, Message

if TYPE_CHECKING:
    from codeact.bench.episode import Episode
    from codeact.bench.suite import Task


class OracleLLM:
    per_episode: ClassVar[bool] = True
    skip_reason: ClassVar[str] = "no reference solution it can write"

    def __init__(self, *, episode: Episode | None = None, max_tokens: int | None = None) -> None:
        if episode is None:
            raise ConfigError(
                "the oracle replays benchmark references: it runs in `codeact bench run` only"
            )
        self.name = "oracle"
        self.episode = episode
        self._replay: ScriptedLLM | None = None

    @classmethod
    def covers(cls, task: Task, fmt: ActionFormat) -> bool:
        return (
            task.unsolvable is None
            and task.reference is not None
            and (task.reference.actions(fmt) is not None)
        )

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: TokenCallback | None = None,
        tools: Sequence[dict[str, Any]] | None = None,
    ) -> Completion:
        if self._replay is None:
            reference = self.episode.task.reference
            replies = reference.replies(self.episode.format) if reference else None
            if replies is None:
                raise ConfigError(f"task {self.episode.task.id!r} has no reference to replay")
            self._replay = ScriptedLLM(replies, name=self.name)
        return self._replay.complete(messages, stop=stop, stream=stream, tools=tools)


def reference_replies(task: Task, action_format: ActionFormat | str) -> list[str | Message] | None:
    """The replies the oracle sends for `task` in a format (None: it has none to send). The
    format is shown the task's tools first, as the agent shows them."""
    from codeact.actions import get_format

    fmt = get_format(action_format) if isinstance(action_format, str) else action_format
    if task.reference is None:
        return None
    fmt.system_prompt(task.tools())
    return task.reference.replies(fmt)
