"""Every environment's expert solves 100% of its sample tasks in both splits, through the real
agent loop (the benchmark's episode, under the CodeActInstruct protocol) and a sandboxed kernel.
Half of the runs make a realistic mistake first and must recover from it within the budget."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from codeact.bench.episode import run_episode
from codeact.contracts import Kernel
from codeact.data.envs import ENVIRONMENTS, get_env
from codeact.llms.scripted import ScriptedLLM

SPLIT_SIZES = {"train": 100, "test": 25}  # the code sample is smaller


@pytest.mark.parametrize("env_name", list(ENVIRONMENTS))
def test_the_expert_solves_every_sample_task(
    env_name: str, sandbox: Kernel, grading: Callable[[], AbstractContextManager[Kernel]]
) -> None:
    env = get_env(env_name)
    failures, recovered, direct = [], 0, 0
    for split in ("train", "test"):
        tasks = env.tasks(split)
        assert len(tasks) >= SPLIT_SIZES[split], f"{env_name} {split} sample is too small"
        for task in tasks:
            outcome = run_episode(
                task, task.expert(0, 0.5), "code", sandbox, max_turns=5, max_solutions=2,
                countdown=True, new_kernel=grading,
            )  # fmt: skip
            if not outcome.success:
                failures.append((task.id, outcome.status, outcome.answer))
            recovered += outcome.errors_recovered > 0
            direct += outcome.errors_recovered == 0
            assert outcome.turns <= 5
    assert not failures, failures[:5]
    assert recovered > 20 and direct > 20  # both paths were taken, and both succeed


def test_the_trajectory_is_what_the_model_saw(sandbox: Kernel) -> None:
    """The countdown and the observations are user turns; a mistake shows its traceback."""
    task = get_env("table").tasks("train")[0]
    outcome = run_episode(task, task.expert(0, 1.0), "code", sandbox, max_turns=5,
                          max_solutions=2, countdown=True)  # fmt: skip
    messages = outcome.trajectory.messages
    assert [m.role for m in messages[:3]] == ["system", "user", "assistant"]
    assert messages[1].content.endswith("You can only propose a solution 2 times.")
    observations = [m.content for m in messages[2:] if m.role == "user"]
    assert observations[0].startswith("Observation:") and "Error" in observations[0]
    assert observations[0].endswith("You have 4 steps left and 2 chances to propose solution left.")
    assert outcome.success and outcome.errors_recovered == 1


def test_the_protocol_ends_after_two_wrong_solutions_and_counts_down() -> None:
    task = get_env("math").tasks("test")[0]
    llm = ScriptedLLM(["<solution>-123456</solution>"] * 3)
    outcome = run_episode(task, llm, "code", None, max_turns=5, max_solutions=2, countdown=True)
    assert not outcome.success and outcome.turns == 2 and len(llm.calls) == 2
    feedback = outcome.trajectory.messages[3].content
    assert feedback == (
        "Your answer is incorrect. Please try again.\n"
        "You have 4 steps left and 1 chance to propose solution left."
    )
