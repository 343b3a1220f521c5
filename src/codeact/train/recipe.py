"""The CodeActAgent-style recipe: supervised fine-tuning with TRL's `SFTTrainer` on the token ids
and labels `labels.py` builds (loss on assistant turns only), full or LoRA (PEFT), then the
adapter merged, the model saved for vLLM (`OUT/model`) and exported to GGUF for the embedded
backend (`OUT/model.gguf`).

The output folder:

    OUT/config.yaml       the resolved options
    OUT/checkpoints/      trainer checkpoints (`--resume` continues from the last one)
    OUT/adapter/          the LoRA adapter (with --lora)
    OUT/model/            the merged model and tokenizer (Hugging Face format)
    OUT/model.gguf        the same model for llama.cpp
    OUT/train.json        written last: data counts, losses, tokens/s, peak memory

Multi-GPU runs go through `accelerate launch` (configs in `accelerate/`); the same code runs.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from codeact.errors import ConfigError, MissingDependency
from codeact.train.base import Base, chatml_tokenizer, load_base
from codeact.train.config import TrainConfig
from codeact.train.labels import Prepared, check_prepared, prepare, read_rows, render

PROBES = 8  # training conversations the GGUF's tokenizer must split exactly as training did


def train(config: TrainConfig) -> dict[str, Any]:
    """Run the recipe; returns what it writes to OUT/train.json."""
    if config.data is None or config.out is None:
        raise ConfigError("training needs --data and --out")
    checkpoint = check_out(config.out, config.resume)
    rows = read_rows(config.data)
    prepared = prepare(rows, chatml_tokenizer(config.base), config.max_length, config.overlong)
    check_prepared(prepared, config.data, config.max_length)
    base = load_base(config.base, dtype="float32")  # its tokenizer gives the same ids
    trainer = _trainer(config, base, prepared)
    if trainer.is_world_process_zero():
        config.out.mkdir(parents=True, exist_ok=True)
        (config.out / "config.yaml").write_text(_yaml(config))
    started = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=checkpoint)
    seconds = time.perf_counter() - started
    summary = _summary(config, base, prepared, trainer, result.metrics, seconds)
    save(trainer, base, config)
    if trainer.is_world_process_zero():
        if config.gguf:
            probes = [render(r["messages"])[0] for r in rows[:PROBES]]
            summary["gguf"] = str(export_saved(config.out, base, config.gguf_type, probes))
        (config.out / "train.json").write_text(json.dumps(summary, indent=1))
    return summary


def check_out(out: Path, resume: bool) -> str | None:
    """Refuse to overwrite an earlier run; with `resume`, its last checkpoint."""
    used = out.exists() and any(out.iterdir())
    if not resume:
        if used:
            raise ConfigError(
                f"{out} holds an earlier run; pass --resume to continue it, or choose another --out"
            )
        return None
    if (out / "train.json").exists():
        raise ConfigError(f"{out} holds a finished run (train.json); nothing to resume")
    from transformers.trainer_utils import get_last_checkpoint

    folder = out / "checkpoints"
    last = get_last_checkpoint(str(folder)) if folder.is_dir() else None  # type: ignore[no-untyped-call]
    if last is None:
        raise ConfigError(f"--resume: no checkpoint in {folder} to continue from")
    return str(last)


def _trainer(config: TrainConfig, base: Base, prepared: Prepared) -> Any:
    try:
        import torch
        from datasets import Dataset
        from trl import SFTConfig, SFTTrainer  # type: ignore[attr-defined]
    except ImportError as exc:
        raise MissingDependency("trl", "train", "codeact train") from exc
    assert config.out is not None
    if config.threads:  # OpenMP threads wait for each other: on shared cores, fewer run faster
        torch.set_num_threads(config.threads)
    dataset = Dataset.from_list(
        [{"input_ids": e.input_ids, "labels": e.labels} for e in prepared.examples]
    )
    world = int(os.environ.get("WORLD_SIZE", "1"))
    args = SFTConfig(
        output_dir=str(config.out / "checkpoints"),
        learning_rate=config.learning_rate,
        lr_scheduler_type=config.lr_scheduler,
        warmup_steps=config.warmup_steps,
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,
        gradient_accumulation_steps=config.accumulation(world),
        max_length=config.max_length,  # already applied (and counted) by labels.prepare
        bf16=config.bf16,
        gradient_checkpointing=config.gradient_checkpointing,
        weight_decay=config.weight_decay,
        max_grad_norm=config.max_grad_norm,
        seed=config.seed,
        logging_steps=config.logging_steps,
        save_strategy="steps",
        save_steps=config.save_steps,
        save_total_limit=2,
        include_num_input_tokens_seen="non_padding",
        report_to="none",
        dataloader_num_workers=0,
        use_cpu=not torch.cuda.is_available(),  # bf16 on a CPU is autocast there
    )
    return SFTTrainer(
        model=base.model,
        args=args,
        train_dataset=dataset,
        processing_class=base.tokenizer,
        peft_config=_lora(config, base) if config.lora else None,
    )


def _lora(config: TrainConfig, base: Base) -> Any:
    from peft import LoraConfig

    targets = config.lora_targets
    return LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=targets if targets == "all-linear" else targets.split(","),
        # new ChatML tokens need trainable embeddings, not just adapters
        modules_to_save=["embed_tokens", "lm_head"] if base.added_tokens else None,
        task_type="CAUSAL_LM",
    )


def save(trainer: Any, base: Base, config: TrainConfig) -> None:
    """OUT/adapter (LoRA) and OUT/model (merged), with the tokenizer."""
    assert config.out is not None
    if config.lora:
        trainer.save_model(str(config.out / "adapter"))
        merged = trainer.model.merge_and_unload()
        if trainer.is_world_process_zero():
            merged.save_pretrained(str(config.out / "model"))
            base.tokenizer.save_pretrained(str(config.out / "model"))
        return
    trainer.save_model(str(config.out / "model"))  # gathers sharded weights (FSDP, ZeRO-3)


def export_saved(out: Path, base: Base, weights: str, probes: list[str]) -> Path:
    """OUT/model.gguf from the saved OUT/model, so the GGUF is exactly what was saved."""
    from transformers import AutoModelForCausalLM

    from codeact.train.gguf_export import export_gguf, pre_tokenizer

    model = AutoModelForCausalLM.from_pretrained(str(out / "model"), dtype="float32")
    pre = pre_tokenizer(base.gguf) if base.gguf else None
    return export_gguf(
        model, base.tokenizer, out / "model.gguf", weights=weights, pre=pre, probes=probes
    )


def _summary(
    config: TrainConfig,
    base: Base,
    prepared: Prepared,
    trainer: Any,
    metrics: dict[str, Any],
    seconds: float,
) -> dict[str, Any]:
    state = trainer.state
    tokens = int(state.num_input_tokens_seen or 0)
    losses = [row["loss"] for row in state.log_history if "loss" in row]
    return {
        "base": base.source,
        "lora": config.lora,
        "data": prepared.summary(),
        "added_tokens": base.added_tokens,
        "steps": state.global_step,
        "epochs": round(float(state.epoch or 0), 3),
        "train_loss": metrics.get("train_loss"),
        "first_loss": losses[0] if losses else None,
        "last_loss": losses[-1] if losses else None,
        "tokens_seen": tokens,
        "seconds": round(seconds, 1),
        "tokens_per_second": round(tokens / seconds, 1) if seconds else None,
        "peak_memory_mib": peak_memory_mib(),
    }


def peak_memory_mib() -> float:
    """Peak GPU memory when training on CUDA, else the process's peak resident set."""
    import torch

    if torch.cuda.is_available():
        return round(torch.cuda.max_memory_allocated() / 2**20, 1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return round(peak / (2**20 if sys.platform == "darwin" else 2**10), 1)


def _yaml(config: TrainConfig) -> str:
    import yaml

    return str(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False))
