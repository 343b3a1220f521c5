"""`codeact train`: the CodeActAgent-style fine-tuning recipe.

Its flags are made from `codeact.train.config.TrainConfig`, one per option (`--learning-rate`,
`--lora/--no-lora`, ...), so the YAML keys, the flags and their help cannot drift apart. A flag
that is given wins over the YAML file (`--config`), which wins over the preset (`--preset`).
"""

from __future__ import annotations

import inspect
import types
import typing
from pathlib import Path
from typing import Annotated, Any

import typer

PRESET_HELP = "cpu (a laptop smoke test, the default) or 7b (the paper's recipe)"


def _flag_type(annotation: Any) -> Any:
    """The type typer parses for an option: Literal and optional types become their base type."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Literal:
        return str
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return args[0]
    return annotation


def _keyword(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation
    )


def _parameters() -> list[inspect.Parameter]:
    from codeact.train.config import TrainConfig

    params = [
        _keyword("preset", Annotated[str, typer.Option(help=PRESET_HELP)], "cpu"),
        _keyword("config", Annotated[Path | None, typer.Option(help="a YAML file of options")]),
    ]
    for name, field in TrainConfig.model_fields.items():
        kind = _flag_type(field.annotation)
        flag = f"--{name.replace('_', '-')}"
        decls = [f"{flag}/--no-{flag[2:]}"] if kind is bool else [flag]
        option = typer.Option(*decls, help=field.description or "")
        params.append(_keyword(name, Annotated[kind | None, option]))
    return params


def train(**flags: Any) -> None:
    """Fine-tune a model on `codeact data export` rows (loss on assistant turns), merge, and
    export OUT/model (Hugging Face) and OUT/model.gguf (for --llm local:OUT/model.gguf).
    An option not given comes from --config, else from the preset (codeact/train/presets/)."""
    from codeact.cli.common import console, friendly_errors
    from codeact.train.config import load_config

    preset, config_file = flags.pop("preset"), flags.pop("config")
    with friendly_errors():
        config = load_config(preset, config_file, flags)
        if config.data is None or config.out is None:
            from codeact.errors import ConfigError

            raise ConfigError("codeact train needs --data DIR and --out DIR")
        from codeact.train.recipe import train as run_recipe

        summary = run_recipe(config)
    data = summary["data"]
    console.print(
        f"trained on [bold]{data['examples']}[/] conversations ({data['supervised_tokens']:,} "
        f"supervised of {data['tokens']:,} tokens; {data['truncated']} truncated, "
        f"{data['dropped_overlong']} dropped as too long, {data['no_assistant_turn']} without an "
        f"assistant turn) in {summary['steps']} steps, {summary['seconds']} s: "
        f"{summary['tokens_per_second']} tokens/s, peak memory {summary['peak_memory_mib']} MiB"
    )
    console.print(f"loss {summary['first_loss']} -> {summary['last_loss']}")
    console.print(
        f"[dim]wrote {config.out}/model[/]"
        + (f" [dim]and {summary['gguf']}[/]" if summary.get("gguf") else "")
    )
    if summary.get("gguf"):
        console.print(f'run it: codeact run --llm local:{summary["gguf"]} "TASK"')


train.__signature__ = inspect.Signature(_parameters())  # type: ignore[attr-defined]
train.__annotations__ = {p.name: p.annotation for p in train.__signature__.parameters.values()}  # type: ignore[attr-defined]
