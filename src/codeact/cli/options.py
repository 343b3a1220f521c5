"""Backend options from the command line: `--llm-opt KEY=VALUE`, `--kernel-opt KEY=VALUE`, and
the flags that are options under a friendlier name (`--base-url`, `--python-env`, ...). They go
to the backend's constructor as they are; the registry checks them against its signature, so an
option a backend cannot take is one clear error before any work."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

LlmOptionsOpt = Annotated[
    list[str] | None,
    typer.Option("--llm-opt", help="KEY=VALUE for the LLM backend's constructor (repeatable)"),
]
KernelOptionsOpt = Annotated[
    list[str] | None,
    typer.Option("--kernel-opt", help="KEY=VALUE for the kernel's constructor (repeatable)"),
]


def parse_options(pairs: list[str] | None, flag: str) -> dict[str, Any]:
    """`KEY=VALUE` pairs as options: a value is read as JSON when it is JSON (numbers, true,
    null, lists, objects), else kept as text."""
    options: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, text = pair.partition("=")
        if not sep or not key.strip().isidentifier():
            raise typer.BadParameter(
                f"takes KEY=VALUE, like temperature=0.2; got {pair!r}", param_hint=flag
            )
        try:
            options[key.strip()] = json.loads(text)
        except ValueError:
            options[key.strip()] = text
    return options


def llm_options(
    pairs: list[str] | None, base_url: str | None = None, api_key: str | None = None
) -> dict[str, Any]:
    """`--llm-opt` pairs, plus `--base-url` and `--api-key` when given (to any backend)."""
    return _given(parse_options(pairs, "--llm-opt"), base_url=base_url, api_key=api_key)


def kernel_options(
    pairs: list[str] | None, python_env: str | None = None, allow_unsandboxed: bool = False
) -> dict[str, Any]:
    """`--kernel-opt` pairs, plus `--python-env` (python=) and `--allow-unsandboxed` when given."""
    options = parse_options(pairs, "--kernel-opt")
    return _given(options, python=python_env, allow_unsandboxed=allow_unsandboxed or None)


def _given(options: dict[str, Any], **flags: Any) -> dict[str, Any]:
    return {**options, **{k: v for k, v in flags.items() if v is not None}}
