"""LLM backends behind one interface, picked with a `provider:model` string.

get_llm("local")                       the embedded SmolLM2-135M (llama.cpp, offline)
get_llm("local:/models/qwen.gguf")     any GGUF file through llama.cpp
get_llm("openai:gpt-4o")               any OpenAI-compatible server (base_url, api_key options)
get_llm("scripted", replies=[...])     a deterministic double for tests and demos
get_llm("mypkg.llms.MyLLM:model")      your own class, by import path
"""

from __future__ import annotations

from typing import Any

from codeact.contracts import LLM
from codeact.errors import ConfigError
from codeact.registry import resolve

LLMS = {
    "openai": "codeact.llms.openai:OpenAILLM",
    "local": "codeact.llms.local:LlamaCppLLM",
    "scripted": "codeact.llms.scripted:ScriptedLLM",
}


def parse_spec(spec: str) -> tuple[str, str]:
    """Split 'provider:model' at the first colon (a custom provider is a dotted path)."""
    provider, _, model = spec.partition(":")
    return provider, model


def get_llm(spec: str = "local", **options: Any) -> LLM:
    """Build an LLM from 'provider[:model]' plus backend options."""
    provider, model = parse_spec(spec)
    cls = resolve("llms", provider, LLMS)
    llm: LLM = cls(model, **options) if model else cls(**options)
    return llm


def check_spec(spec: str) -> None:
    """Raise ConfigError for a spec that cannot work, without building the model (cheap)."""
    provider, model = parse_spec(spec)
    if not provider:
        raise ConfigError(f"{spec!r} names no provider; write provider:model, e.g. openai:gpt-4o")
    cls = resolve("llms", provider, LLMS)
    check_model = getattr(cls, "check_model", None)  # a backend's own cheap check, if it has one
    if callable(check_model):
        check_model(model)


__all__ = ["LLMS", "check_spec", "get_llm", "parse_spec"]
