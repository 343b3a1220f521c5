"""The exception tree. Control flow of the agent loop uses these, not flags.

CodeActError
├── ConfigError                 bad provider string, unknown backend, bad option
│   └── MissingDependency       optional extra not installed (message has the pip hint)
├── LLMError                    the model backend failed after retries
├── KernelError                 the kernel could not start or answer
├── FormatError                 the model's reply could not be parsed; message is for the model
└── AgentStop                   ends a run; carries no error for the user
    ├── Finished                the model gave a final answer
    ├── HandBack                the model replied in plain language: the turn goes to the user
    ├── Interrupted             the user interrupted the run
    └── LimitExceeded           a budget ran out
        ├── MaxTurnsExceeded
        ├── MaxTokensExceeded
        └── WallTimeExceeded
"""

from __future__ import annotations


class CodeActError(Exception):
    """Base of every error raised by codeact."""


class ConfigError(CodeActError):
    """A setting, backend name or option is wrong."""


class MissingDependency(ConfigError):
    """An optional dependency is missing; the message says what to install."""

    def __init__(self, package: str, extra: str, purpose: str, install: str = "") -> None:
        self.install = install or f"pip install 'codeact[{extra}]'"
        super().__init__(f"{purpose} needs the '{package}' package: {self.install}")
        self.package = package


class LLMError(CodeActError):
    """The LLM backend failed (after retries where they apply)."""


class KernelError(CodeActError):
    """The kernel could not be started or stopped answering for good."""


class FormatError(CodeActError):
    """The model's reply is malformed. `str(err)` is written for the model to read."""


class AgentStop(CodeActError):
    """Ends the current run. `status` names the outcome in the trajectory."""

    status = "stopped"


class Finished(AgentStop):
    status = "finished"

    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer


class HandBack(AgentStop):
    status = "replied"

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class Interrupted(AgentStop):
    status = "interrupted"


class LimitExceeded(AgentStop):
    status = "limit"


class MaxTurnsExceeded(LimitExceeded):
    status = "max_turns"


class MaxTokensExceeded(LimitExceeded):
    status = "max_tokens"


class WallTimeExceeded(LimitExceeded):
    status = "wall_time"
