"""LLM backends behind one interface, picked with a `provider:model` string.

get_llm("local")                       the embedded SmolLM2-135M (llama.cpp, offline)
get_llm("local:/models/qwen.gguf")     any GGUF file through llama.cpp
get_llm("openai:gpt-4o")               any OpenAI-compatible server (base_url, api_key options)
get_llm("scripted", replies=[...])     a deterministic double for tests and demos
get_llm("mypkg.llms.MyLLM:model")      your own class, by import path ...
get_llm("mypkg.llms:MyLLM:model")      ... written either way
get_llm("myllm:model")                 or by a `codeact.llms` entry point

The constructor contract (the same for built-in and plugin backends) is in contracts.py: the
model name as the first argument when the spec has one, then keyword options, checked against the
constructor's signature before anything is built.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from codeact.contracts import LLM
from codeact.errors import ConfigError
from codeact.registry import build, check_options, resolve

LLMS = {
    "openai": "codeact.llms.openai:OpenAILLM",
    "local": "codeact.llms.local:LlamaCppLLM",
    "scripted": "codeact.llms.scripted:ScriptedLLM",
    "oracle": "codeact.bench.oracle:OracleLLM",
    "expert": "codeact.bench.expert:ExpertLLM",
}


def parse_spec(spec: str) -> tuple[str, str]:
    """Split 'provider:model'. A provider is a name (split at the first colon: `openai:qwen2.5:7b`
    is the model "qwen2.5:7b") or an import path, written `pkg.mod.Class[:model]` or
    `pkg.mod:Class[:model]`."""
    provider, sep, model = spec.partition(":")
    if "." not in provider or not sep:
        return provider, model
    attr, sep, rest = model.partition(":")
    if sep or _is_class_of(provider, attr):
        return f"{provider}:{attr}", rest
    return provider, model


def _is_class_of(module_name: str, attr: str) -> bool:
    """Whether `module_name` is an importable module with a class `attr` (`pkg.mod:Class`)."""
    if not attr.isidentifier():
        return False
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    return inspect.isclass(getattr(module, attr, None))


def get_llm(spec: str = "local", /, **options: Any) -> LLM:
    """Build an LLM from 'provider[:model]' plus backend options."""
    provider, model = parse_spec(spec)
    args = (model,) if model else ()
    llm: LLM = build("llms", provider, LLMS, *args, **options)
    return llm


def llm_class(spec: str, /) -> Any:
    """The backend a spec names, found but not built (to read what it declares)."""
    return resolve("llms", parse_spec(spec)[0], LLMS)


def check_spec(spec: str, /, **options: Any) -> None:
    """Raise ConfigError for a spec (and options) that cannot work, without building the model."""
    provider, model = parse_spec(spec)
    if not provider:
        raise ConfigError(f"{spec!r} names no provider; write provider:model, e.g. openai:gpt-4o")
    cls = llm_class(spec)
    check_options(cls, options, f"llm {provider!r}")
    check_model = getattr(cls, "check_model", None)  # a backend's own cheap check, if it has one
    if callable(check_model):
        check_model(model)


__all__ = ["LLMS", "check_spec", "get_llm", "llm_class", "parse_spec"]
