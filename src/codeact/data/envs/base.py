"""What every data environment is: a task source, tools and kernel setup, a checker, an expert.

An environment reads records in its public format (`load`), and turns each into a benchmark
`Task` (`task`), so that generation is a grid run of `codeact.bench.runner` like any benchmark.
Its expert is a deterministic scripted teacher, written as a generator: it yields replies and is
sent back the observation each one produced, so it reads what happened and reacts. With the
`mistake` flag it errs first (a realistic slip: a typo, a wrong column, a wrong argument, an
off-by-one), sees the error, and recovers, as the runs the paper kept did.
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from codeact.bench.judges import Evidence, KernelFactory
from codeact.bench.suite import Task
from codeact.contracts import LLM, Tool
from codeact.errors import LLMError
from codeact.llms.scripted import ScriptedLLM
from codeact.types import Message

Policy = Generator[str, str, None]  # yields replies; is sent each reply's observation
SPLITS = ("train", "test")
EXPERT = "expert"


@dataclass
class Submission:
    """What an environment's checker sees of a finished episode: its final answer, the
    episode's tools (and their state), and `kernel()`, a fresh started kernel for checks that run
    code, as a context manager."""

    answer: str
    tools: Sequence[Tool]
    kernel: KernelFactory


@dataclass
class Record:
    """One task in an environment's own terms; subclasses add the fields of their format."""

    id: str


R = TypeVar("R", bound=Record)


def samples_dir(env: str) -> Path:
    """Where the sample shipped for `env` lives (package data)."""
    return Path(str(files("codeact.data") / "samples" / env))


def split_folder(path: Path, split: str) -> Path:
    """The folder of `split` in a data set's own layout (PATH/train/...), else PATH itself."""
    return path / split if (path / split).is_dir() else path


class Environment(ABC, Generic[R]):
    name: ClassVar[str]
    description: ClassVar[str]

    # --- the task source ---------------------------------------------------------------------

    @abstractmethod
    def load(self, split: str, path: Path | None = None) -> list[R]:
        """The records of `split`, from the public format at `path` (default: the sample)."""

    @abstractmethod
    def prompt(self, record: R) -> str:
        """The task as the model reads it."""

    # --- what each episode gets ------------------------------------------------------------

    def tools(self, record: R) -> list[Tool]:
        """Fresh host-side tools (and their state) for one episode."""
        return []

    def setup(self, record: R) -> str:
        """Python run in the kernel before the episode."""
        return ""

    @abstractmethod
    def check(self, record: R, submission: Submission) -> bool:
        """Whether the final answer (or the tools' final state) solves the task."""

    @abstractmethod
    def expert(self, record: R, mistake: bool, rng: random.Random) -> Policy:
        """The scripted teacher's replies for this task, reacting to each observation."""

    # --- as a benchmark task ---------------------------------------------------------------

    def task(self, record: R, split: str) -> Task:
        task_id = f"{self.name}-{split}-{record.id}"
        return Task(
            id=task_id,
            domain=self.name,
            prompt=self.prompt(record),
            answer=None,
            make_tools=lambda: self.tools(record),
            judge=lambda evidence: self.judge(record, evidence),
            setup=self.setup(record),
            expert=lambda seed, rate: expert_llm(
                lambda mistake, rng: self.expert(record, mistake, rng), f"{task_id}:{seed}", rate
            ),
        )

    def judge(self, record: R, evidence: Evidence) -> bool:
        """The task's judge: a final answer that the environment's checker accepts."""
        if evidence.answer is None:
            return False
        return self.check(record, Submission(evidence.answer, evidence.tools, evidence.kernel))

    def tasks(self, split: str, path: Path | None = None) -> list[Task]:
        return [self.task(record, split) for record in self.load(split, path)]


def expert_llm(
    policy: Callable[[bool, random.Random], Policy], key: str, mistake_rate: float
) -> LLM:
    """A scripted LLM that plays `policy`; whether it errs first is drawn from `key` (task and
    seed), so a rerun replays the same trajectory."""
    rng = random.Random(key)
    mistake = rng.random() < mistake_rate
    replies: Policy | None = None

    def respond(messages: Sequence[Message]) -> str:
        nonlocal replies
        try:
            if replies is None:
                replies = policy(mistake, rng)
                return next(replies)
            return replies.send(messages[-1].content)
        except StopIteration:
            raise LLMError("the expert has no reply left (its answer was judged wrong)") from None

    return ScriptedLLM(respond, name=EXPERT)


def failed(observation: str) -> bool:
    """Whether an observation shows an error (a traceback or a tool error)."""
    return "Traceback" in observation or "Error:" in observation or "Error(" in observation


def require(condition: bool, what: str) -> None:
    """The expert's own sanity check: it stops loudly rather than teach a wrong trajectory."""
    if not condition:
        raise LLMError(f"the expert did not see what it expected: {what}")


def execute(code: str) -> str:
    return f"<execute>\n{code.strip()}\n</execute>"


def solution(answer: Any) -> str:
    return f"<solution>{answer}</solution>"


def pick_split(split: str) -> str:
    from codeact.errors import ConfigError

    if split not in SPLITS:
        raise ConfigError(f"unknown split {split!r}; choose from {', '.join(SPLITS)}")
    return split
