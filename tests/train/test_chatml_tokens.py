"""A base model whose tokenizer lacks ChatML: the tokens are added, the embeddings resized, the
labels stay exact, and the GGUF keeps them as single special tokens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from train_rows import conversation

from codeact.train.base import load_base
from codeact.train.labels import IGNORE, encode

TEXT = ["What is 2 + 2? Use Python to compute it.", "print(2 + 2) gives 4.", "The answer is 4.",
        "Observation: the code printed a number.", "You are a helpful assistant."] * 20  # fmt: skip


@pytest.fixture(scope="module")
def plain_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny Llama with a byte-level BPE tokenizer of its own (no ChatML tokens)."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    bpe.train_from_iterator(TEXT, trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"],
                                                      initial_alphabet=alphabet))  # fmt: skip
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=bpe, eos_token="<|endoftext|>")
    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=64, intermediate_size=128,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=4,
                         max_position_embeddings=512, tie_word_embeddings=False)  # fmt: skip
    folder = tmp_path_factory.mktemp("plain")
    LlamaForCausalLM(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def test_chatml_tokens_are_added_and_the_embeddings_resized(plain_model: Path) -> None:
    base = load_base(str(plain_model))
    tokenizer = base.tokenizer
    assert base.added_tokens == 2
    assert base.model.get_input_embeddings().weight.shape[0] == len(tokenizer)
    assert base.model.get_output_embeddings().weight.shape[0] == len(tokenizer)
    assert (
        tokenizer.eos_token == "<|im_end|>"
        and base.model.config.eos_token_id == tokenizer.eos_token_id
    )
    ids = tokenizer("<|im_start|>user\n")["input_ids"]
    assert ids == [
        tokenizer.convert_tokens_to_ids("<|im_start|>"),
        *tokenizer("user\n")["input_ids"],
    ]
    row = conversation()
    example = encode(row["messages"], tokenizer)
    kept = [
        t for t, label in zip(example.input_ids, example.labels, strict=True) if label != IGNORE
    ]
    wanted = "".join(
        m["content"] + "<|im_end|>" for m in row["messages"] if m["role"] == "assistant"
    )
    assert tokenizer.decode(kept) == wanted


def test_the_gguf_of_a_resized_model_keeps_chatml_and_its_logits(
    plain_model: Path, tmp_path: Path
) -> None:
    import torch
    from llama_cpp import Llama

    from codeact.train.gguf_export import export_gguf

    base = load_base(str(plain_model))
    path = export_gguf(base.model, base.tokenizer, tmp_path / "plain.gguf", weights="f32")
    prompt = "<|im_start|>user\nWhat is 2 + 2?<|im_end|>\n<|im_start|>assistant\n"
    ids = base.tokenizer(prompt)["input_ids"]
    llm = Llama(model_path=str(path), n_ctx=128, logits_all=True, verbose=False)
    assert llm.tokenize(prompt.encode(), add_bos=False, special=True) == ids
    assert llm.token_eos() == base.tokenizer.convert_tokens_to_ids("<|im_end|>")
    llm.eval(ids)
    with torch.no_grad():
        hf = base.model(torch.tensor([ids])).logits[0].numpy()
    assert np.abs(np.asarray(llm.scores[: len(ids)]) - hf).max() < 1e-3 * max(
        1.0, float(np.abs(hf).max())
    )
