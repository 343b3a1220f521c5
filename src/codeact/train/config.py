"""The training configuration: one pydantic model, filled from a preset, then a YAML file, then
flags (each later source wins). Every field is a `codeact train` flag of the same name
(`learning_rate` is `--learning-rate`) and a key of the YAML file.

Presets live in `presets/*.yaml`: `cpu` (the default: a smoke test on a laptop) and `7b` (the
paper's CodeActAgent recipe for a 7B model on GPUs).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from codeact.errors import ConfigError

EMBEDDED = "embedded"  # --base embedded: the bundled SmolLM2-135M-Instruct GGUF
GGUF_TYPES = ("f32", "f16", "bf16", "q8_0")


class TrainConfig(BaseModel):
    """`codeact train` options (the field descriptions are the flags' help)."""

    model_config = ConfigDict(extra="forbid")

    # what to train, on what, where
    data: Path | None = Field(None, description="an export folder (messages.jsonl) or a JSONL file")
    base: str = Field(EMBEDDED, description="HF model folder, .gguf file, or 'embedded'")
    out: Path | None = Field(None, description="output folder (must not hold an earlier run)")
    resume: bool = Field(False, description="continue the run in --out from its last checkpoint")
    # the recipe
    lora: bool = Field(False, description="train a LoRA adapter (merged at the end)")
    learning_rate: float = Field(1e-5, gt=0, description="peak learning rate")
    lr_scheduler: str = Field("cosine", description="transformers scheduler name")
    warmup_steps: int = Field(50, ge=0, description="linear warm-up steps")
    epochs: float = Field(5.0, gt=0, description="passes over the data")
    max_steps: int = Field(-1, description="stop after this many optimizer steps (-1: epochs)")
    batch_size: int = Field(1, ge=1, description="sequences per device per step")
    global_batch_size: int = Field(
        32, ge=1, description="sequences per optimizer step, all devices"
    )
    max_length: int = Field(4096, ge=16, description="tokens per conversation")
    overlong: Literal["truncate", "drop"] = Field(
        "truncate", description="a longer conversation: truncate (keep its start) or drop"
    )
    bf16: bool = Field(False, description="train in bfloat16 mixed precision")
    gradient_checkpointing: bool = Field(False, description="recompute activations (less memory)")
    weight_decay: float = Field(0.0, ge=0)
    max_grad_norm: float = Field(1.0, gt=0)
    seed: int = 0
    threads: int | None = Field(
        None,
        ge=1,
        description="CPU threads for torch (default: one per core; fewer on a busy machine)",
    )
    logging_steps: int = Field(10, ge=1)
    save_steps: int = Field(200, ge=1, description="checkpoint every N steps (for --resume)")
    # LoRA
    lora_r: int = Field(16, ge=1)
    lora_alpha: int = Field(32, ge=1)
    lora_dropout: float = Field(0.05, ge=0, lt=1)
    lora_targets: str = Field("all-linear", description="modules to adapt (comma-separated)")
    # outputs
    gguf: bool = Field(True, description="export OUT/model.gguf for --llm local:")
    gguf_type: Literal["f32", "f16", "bf16", "q8_0"] = Field("f16", description="GGUF weights")

    @model_validator(mode="after")
    def _batches_divide(self) -> TrainConfig:
        if self.global_batch_size % self.batch_size:
            raise ValueError("global_batch_size must be a multiple of batch_size")
        return self

    def accumulation(self, world_size: int) -> int:
        """Gradient accumulation steps that make the global batch on `world_size` devices."""
        per_step = self.batch_size * world_size
        if self.global_batch_size % per_step:
            raise ConfigError(
                f"global_batch_size {self.global_batch_size} is not a multiple of "
                f"batch_size x devices = {per_step}"
            )
        return self.global_batch_size // per_step


def presets() -> list[str]:
    folder = files("codeact.train") / "presets"
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def preset_values(name: str) -> dict[str, Any]:
    if name not in presets():
        raise ConfigError(f"unknown preset {name!r}; choose from {', '.join(presets())}")
    text = (files("codeact.train") / "presets" / f"{name}.yaml").read_text(encoding="utf-8")
    return _mapping(_yaml(text, f"preset {name}"), f"preset {name}")


def file_values(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {path}: {exc.strerror or exc}") from exc
    return _mapping(_yaml(text, str(path)), str(path))


def load_config(
    preset: str = "cpu", path: Path | None = None, overrides: dict[str, Any] | None = None
) -> TrainConfig:
    """The preset's values, then the YAML file's, then `overrides` (flags that were given)."""
    values = preset_values(preset)
    if path is not None:
        values.update(file_values(path))
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        return TrainConfig(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "config"
        raise ConfigError(f"bad training option {where}: {first['msg']}") from None


def _yaml(text: str, where: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: malformed YAML ({exc})".replace("\n", " ")) from exc


def _mapping(data: Any, where: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of option: value")
    unknown = sorted(set(data) - set(TrainConfig.model_fields))
    if unknown:
        raise ConfigError(f"{where}: unknown options {', '.join(unknown)}")
    return dict(data)
