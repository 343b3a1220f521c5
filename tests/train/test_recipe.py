"""The recipe on a tiny random Llama: the loss falls, LoRA merges exactly, the GGUF run by
llama.cpp gives the same logits, earlier runs are refused or resumed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from train_rows import conversation, write_data

from codeact.errors import ConfigError
from codeact.train.config import load_config
from codeact.train.recipe import train

FAST = {"learning_rate": 3e-3, "warmup_steps": 0, "global_batch_size": 2, "max_length": 256,
        "bf16": False, "logging_steps": 1, "gguf_type": "f32"}  # fmt: skip
PROMPT = "<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n"


def rows() -> list[dict[str, Any]]:
    return [conversation(f"The answer is {n}.") for n in (4, 4, 4, 4)]


def run(tmp_path: Path, tiny_model: Path, out: str, **options: Any) -> dict[str, Any]:
    data = write_data(tmp_path / "export", rows())
    config = load_config("cpu", None, {"data": data, "base": str(tiny_model),
                                       "out": tmp_path / out, **FAST, **options})  # fmt: skip
    return train(config)


def hf_logits(folder: Path, ids: list[int]) -> np.ndarray:
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32)
    with torch.no_grad():
        return np.asarray(model(torch.tensor([ids])).logits[0].numpy())


@pytest.fixture(scope="module")
def full_run(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Path:
    root = tmp_path_factory.mktemp("full")
    run(root, tiny_model, "out", max_steps=6)
    return root / "out"


def test_a_few_optimizer_steps_lower_the_loss(
    full_run: Path, tiny_model: Path, tokenizer: Any
) -> None:
    from transformers import AutoModelForCausalLM

    from codeact.train.evaluate import conversation_loss

    before = conversation_loss(
        AutoModelForCausalLM.from_pretrained(str(tiny_model)), tokenizer, rows()
    )
    after = conversation_loss(
        AutoModelForCausalLM.from_pretrained(str(full_run / "model")), tokenizer, rows()
    )
    assert after < before - 1.0, (before, after)
    summary = json.loads((full_run / "train.json").read_text())
    assert summary["steps"] == 6 and summary["last_loss"] < summary["first_loss"]
    assert summary["data"]["examples"] == 4 and summary["tokens_per_second"] > 0
    assert summary["peak_memory_mib"] > 0


def test_the_gguf_gives_the_logits_of_the_fine_tuned_model(full_run: Path, tokenizer: Any) -> None:
    from llama_cpp import Llama

    ids = tokenizer(PROMPT)["input_ids"]
    llm = Llama(model_path=str(full_run / "model.gguf"), n_ctx=128, logits_all=True, verbose=False)
    assert (
        llm.tokenize(PROMPT.encode(), add_bos=False, special=True) == ids
    )  # ChatML: one token each
    llm.eval(ids)
    gguf = np.asarray(llm.scores[: len(ids)])
    hf = hf_logits(full_run / "model", ids)
    assert np.abs(gguf - hf).max() < 1e-3 * max(1.0, float(np.abs(hf).max()))
    assert (gguf.argmax(-1) == hf.argmax(-1)).all()


def test_q8_0_weights_stay_close(full_run: Path, tokenizer: Any) -> None:
    from llama_cpp import Llama
    from transformers import AutoModelForCausalLM

    from codeact.train.gguf_export import export_gguf

    model = AutoModelForCausalLM.from_pretrained(str(full_run / "model"))
    path = export_gguf(model, tokenizer, full_run.parent / "q8.gguf", weights="q8_0")
    assert path.stat().st_size < 0.6 * (full_run / "model.gguf").stat().st_size
    ids = tokenizer(PROMPT)["input_ids"]
    llm = Llama(model_path=str(path), n_ctx=128, logits_all=True, verbose=False)
    llm.eval(ids)
    hf = hf_logits(full_run / "model", ids)
    assert np.abs(np.asarray(llm.scores[: len(ids)]) - hf).max() < 0.05 * float(np.abs(hf).max())


def test_the_lora_merge_gives_the_adapters_logits(
    tmp_path: Path, tiny_model: Path, tokenizer: Any
) -> None:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    run(tmp_path, tiny_model, "lora", lora=True, max_steps=3, learning_rate=5e-2, gguf=False)
    ids = tokenizer(PROMPT)["input_ids"]
    base = AutoModelForCausalLM.from_pretrained(str(tiny_model), dtype=torch.float32)
    adapted = PeftModel.from_pretrained(base, str(tmp_path / "lora" / "adapter")).eval()
    with torch.no_grad():
        unmerged = adapted(torch.tensor([ids])).logits[0].numpy()
    merged = hf_logits(tmp_path / "lora" / "model", ids)
    original = hf_logits(tiny_model, ids)
    assert np.abs(unmerged - original).max() > 1e-3  # the adapter learned something
    np.testing.assert_allclose(merged, unmerged, atol=1e-4)
    assert not (tmp_path / "lora" / "model.gguf").exists()


def test_an_earlier_run_is_refused_and_a_killed_one_resumes(
    tmp_path: Path, tiny_model: Path
) -> None:
    run(tmp_path, tiny_model, "out", max_steps=2, save_steps=2, gguf=False)
    with pytest.raises(ConfigError, match="holds an earlier run; pass --resume"):
        run(tmp_path, tiny_model, "out", max_steps=4, gguf=False)
    with pytest.raises(ConfigError, match="holds a finished run"):
        run(tmp_path, tiny_model, "out", max_steps=4, gguf=False, resume=True)
    (tmp_path / "out" / "train.json").unlink()  # as if killed after its step-2 checkpoint
    summary = run(tmp_path, tiny_model, "out", max_steps=4, save_steps=2, gguf=False, resume=True)
    assert summary["steps"] == 4
    checkpoints = (tmp_path / "out" / "checkpoints").glob("checkpoint-*")
    assert sorted(p.name for p in checkpoints) == ["checkpoint-2", "checkpoint-4"]
    with pytest.raises(ConfigError, match="no checkpoint in"):
        run(tmp_path, tiny_model, "fresh", max_steps=2, gguf=False, resume=True)


def test_a_base_model_that_cannot_be_found(tmp_path: Path) -> None:
    data = write_data(tmp_path / "export", rows())
    for base, message in [(str(tmp_path / "nope"), "base model not found"),
                          ("org/not-cached", "base model not found"),
                          (str(data), "has no config.json")]:  # fmt: skip
        config = load_config("cpu", None, {"data": data, "base": base, "out": tmp_path / "out"})
        with pytest.raises(ConfigError, match=message):
            train(config)
    assert not (tmp_path / "out").exists()
