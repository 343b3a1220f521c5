"""The countdown of MINT's protocol (which CodeActInstruct's data was collected under): the model is
told its budget with the task, and after every observation how many turns and proposed solutions
it has left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeact.contracts import ActionFormat, Tool
from codeact.types import Action, Observation


class Budget:
    """What is left of an episode's turns and proposed solutions, in MINT's words."""

    def __init__(self, max_turns: int, max_solutions: int | None) -> None:
        self.max_turns, self.max_solutions = max_turns, max_solutions
        self.used = self.solutions = 0

    def intro(self) -> str:
        text = f"You have {self.max_turns} chances to interact with the environment or propose a solution."
        if self.max_solutions is not None:
            text += f" You can only propose a solution {self.max_solutions} times."
        return text

    def line(self) -> str:
        left = max(0, self.max_turns - self.used)
        text = f"You have {left} {'step' if left == 1 else 'steps'} left"
        if self.max_solutions is not None:
            chances = max(0, self.max_solutions - self.solutions)
            text += (
                f" and {chances} {'chance' if chances == 1 else 'chances'} to propose solution left"
            )
        text += "."
        if left == 1:
            text += " You should take the last step to propose a solution."
        return text


class Countdown:
    """An action format that ends every observation with the budget left (the countdown); all
    else is the wrapped format's."""

    def __init__(self, inner: ActionFormat, budget: Budget) -> None:
        self.inner, self.budget = inner, budget
        self.name, self.stop = inner.name, inner.stop
        self.runs_code, self.nudge = inner.runs_code, inner.nudge

    def __getattr__(self, name: str) -> Any:
        # what a format may declare beyond the contract (native calls: tool_specs, parse_message)
        if name == "inner":  # not set yet (while unpickling)
            raise AttributeError(name)
        return getattr(self.inner, name)

    def system_prompt(self, tools: Sequence[Tool]) -> str:
        return self.inner.system_prompt(tools)

    def parse(self, text: str) -> Action:
        return self.inner.parse(text)

    def clean(self, text: str) -> str:
        return self.inner.clean(text)

    def render_action(self, action: Action) -> str:
        return self.inner.render_action(action)

    def describe(self, action: Action) -> str:
        return self.inner.describe(action)

    def render_observation(self, observation: Observation | str) -> str:
        self.budget.used += 1  # each observation answers one turn
        return f"{self.inner.render_observation(observation)}\n{self.budget.line()}"
