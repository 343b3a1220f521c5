"""`--llm expert`: plays a task's own reactive teacher (`Task.expert`; the data environments have one).

Like the oracle, it is an ordinary LLM backend that declares two capabilities (see contracts.py):
it is built per episode (`per_episode`), since the teacher belongs to the task and its seed, and it
`covers` only the tasks that have a teacher, in formats that run code (the teachers act in code).
Its option `mistakes` is the share of episodes in which the teacher errs first, then recovers
(`--llm-opt mistakes=0.5`, or `codeact data generate --mistakes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, ClassVar

from codeact.contracts import LLM, ActionFormat, TokenCallback
from codeact.errors import ConfigError
from codeact.types import Completion, Message

if TYPE_CHECKING:
    from codeact.bench.episode import Episode
    from codeact.bench.suite import Task


class ExpertLLM:
    per_episode: ClassVar[bool] = True
    skip_reason: ClassVar[str] = "no expert teacher for it"

    def __init__(
        self,
        *,
        episode: Episode | None = None,
        mistakes: float = 0.0,
        max_tokens: int | None = None,
    ) -> None:
        if episode is None:
            raise ConfigError(
                "the expert is a task's own teacher: it runs in `codeact bench run` and "
                "`codeact data generate` only"
            )
        if episode.task.expert is None:
            raise ConfigError(f"task {episode.task.id!r} has no expert teacher")
        if not 0.0 <= mistakes <= 1.0:
            raise ConfigError(f"the expert's mistakes is a rate between 0 and 1 (got {mistakes})")
        self.name = "expert"
        self._teacher: LLM = episode.task.expert(episode.seed, mistakes)

    @classmethod
    def covers(cls, task: Task, fmt: ActionFormat) -> bool:
        return task.expert is not None and fmt.runs_code

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: TokenCallback | None = None,
    ) -> Completion:
        return self._teacher.complete(messages, stop=stop, stream=stream)
