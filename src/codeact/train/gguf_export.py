"""Export a (merged) Hugging Face causal LM to GGUF with the `gguf` library, so that the
embedded backend runs it: `codeact run --llm local:OUT/model.gguf`.

Llama-family models (`llama`, `mistral`: Llama-2, Mistral, SmolLM) are written tensor by tensor
under the names `gguf.get_tensor_name_map` gives. Two facts of the format matter:
- llama.cpp's llama rope rotates interleaved pairs, while Hugging Face's checkpoints store q_proj
  and k_proj rows in "rotate half" order; those rows are permuted back (transformers undoes the
  same permutation when it loads a GGUF).
- A tied output layer is not written: llama.cpp reuses the token embeddings.
The tokenizer goes in as llama.cpp's `gpt2` (byte-level BPE) or `llama` (SentencePiece-style,
byte fallback) vocabulary, with special tokens typed CONTROL so that `<|im_start|>` in a prompt is
one token, and the ChatML template the model was trained with.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from codeact.errors import ConfigError, MissingDependency
from codeact.train.labels import CHAT_TEMPLATE

ARCHITECTURES = ("llama", "mistral")
ROPE_TYPES = ("default", "linear")
# llama.cpp's byte-level BPE pre-tokenizers (regex splits) worth trying, most common first
PRE_TOKENIZERS = ("default", "llama-bpe", "smollm", "qwen2", "gpt-2", "starcoder", "falcon",
                  "deepseek-llm", "deepseek-coder", "olmo", "dbrx", "gpt-4o")  # fmt: skip
PROBE = (
    "Hello world!\n\n  It's 1234567 + 89 = x_y; 2 + 2 = 4, x=10 don't 'QUOTED' 1,000.50\n"
    "\tÄÖü 你好 🙂 <|im_start|>user\nhi<|im_end|>\n    indented()\n"
)


def export_gguf(
    model: Any,
    tokenizer: Any,
    path: Path,
    *,
    weights: str = "f16",
    pre: str | None = None,
    probes: Sequence[str] = (),
) -> Path:
    """Write `path` (atomically: a temporary file renamed into place). `pre` names llama.cpp's
    pre-tokenizer for a byte-level BPE vocabulary, tried first (a GGUF base's); the one used is
    the first that tokenizes a probe text and `probes` (say, training conversations) exactly as
    the Hugging Face tokenizer does."""
    try:
        import gguf
    except ImportError as exc:
        raise MissingDependency("gguf", "train", "the GGUF export") from exc
    config = model.config
    check_exportable(config)
    pre = pick_pre_tokenizer(config, tokenizer, path.parent, [pre] if pre else [], probes)
    fd, staging = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    os.close(fd)
    try:
        writer = gguf.GGUFWriter(staging, "llama")
        _write_hparams(writer, config, weights)
        _write_vocab(writer, tokenizer, pre)
        for name, data, qtype in _tensors(model, weights):
            writer.add_tensor(name, data, raw_dtype=qtype)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
        Path(staging).replace(path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    return path


def check_exportable(config: Any) -> None:
    if config.model_type not in ARCHITECTURES:
        raise ConfigError(
            f"the GGUF export handles {', '.join(ARCHITECTURES)} models, not {config.model_type!r}: "
            "run llama.cpp's convert_hf_to_gguf.py on OUT/model instead (and pass --no-gguf)"
        )
    rope = getattr(config, "rope_parameters", None) or {}
    if rope.get("rope_type", "default") not in ROPE_TYPES:
        raise ConfigError(
            f"the GGUF export does not handle {rope['rope_type']!r} rope scaling: "
            "run llama.cpp's convert_hf_to_gguf.py on OUT/model instead"
        )


def _write_hparams(writer: Any, config: Any, weights: str) -> None:
    import gguf

    heads = config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    rope = getattr(config, "rope_parameters", None) or {}
    writer.add_name(str(getattr(config, "_name_or_path", "") or "codeact fine-tune"))
    writer.add_context_length(config.max_position_embeddings)
    writer.add_embedding_length(config.hidden_size)
    writer.add_block_count(config.num_hidden_layers)
    writer.add_feed_forward_length(config.intermediate_size)
    writer.add_head_count(heads)
    writer.add_head_count_kv(config.num_key_value_heads or heads)
    writer.add_rope_freq_base(float(rope.get("rope_theta", 10000.0)))
    writer.add_rope_dimension_count(head_dim)
    writer.add_layer_norm_rms_eps(float(config.rms_norm_eps))
    writer.add_vocab_size(config.vocab_size)
    if rope.get("rope_type") == "linear":
        writer.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        writer.add_rope_scaling_factor(float(rope["factor"]))
    file_types = {"f32": gguf.LlamaFileType.ALL_F32, "f16": gguf.LlamaFileType.MOSTLY_F16,
                  "bf16": gguf.LlamaFileType.MOSTLY_BF16, "q8_0": gguf.LlamaFileType.MOSTLY_Q8_0}  # fmt: skip
    writer.add_file_type(file_types[weights])


# --- the vocabulary --------------------------------------------------------------------------


def pick_pre_tokenizer(
    config: Any, tokenizer: Any, folder: Path, first: list[str], probes: Sequence[str] = ()
) -> str | None:
    """The first pre-tokenizer (of `first`, then PRE_TOKENIZERS) with which llama.cpp splits the
    probe texts into exactly the ids the Hugging Face tokenizer gives; refuses when none does, as
    the GGUF would then see other tokens than training did."""
    import gguf

    texts = [PROBE, *probes]
    want = [tokenizer(t, add_special_tokens=False)["input_ids"] for t in texts]
    candidates = list(dict.fromkeys([*first, *PRE_TOKENIZERS]))
    if json.loads(tokenizer.backend_tokenizer.to_str())["model"].get("byte_fallback"):
        candidates = [""]  # SentencePiece-style vocabularies have no pre-tokenizer
    fd, probe = tempfile.mkstemp(prefix=".vocab-", suffix=".gguf", dir=folder)
    os.close(fd)
    try:
        for pre in candidates:
            writer = gguf.GGUFWriter(probe, "llama")
            _write_hparams(writer, config, "f32")
            _write_vocab(writer, tokenizer, pre or None)
            writer.write_header_to_file()
            writer.write_kv_data_to_file()
            writer.close()
            if _llama_tokens(Path(probe), texts) == want:
                return pre or None
    finally:
        Path(probe).unlink(missing_ok=True)
    raise ConfigError(
        "llama.cpp splits text differently from this tokenizer with every known pre-tokenizer; "
        "export with llama.cpp's convert_hf_to_gguf.py on OUT/model instead (and pass --no-gguf)"
    )


def _llama_tokens(path: Path, texts: list[str]) -> list[list[int]]:
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise MissingDependency("llama-cpp-python", "local", "checking the GGUF tokenizer") from exc
    vocab = Llama(model_path=str(path), vocab_only=True, verbose=False)
    try:
        return [list(vocab.tokenize(t.encode(), add_bos=False, special=True)) for t in texts]
    finally:
        vocab.close()


def _write_vocab(writer: Any, tokenizer: Any, pre: str | None) -> None:
    spec = json.loads(tokenizer.backend_tokenizer.to_str())
    model = spec["model"]
    if model.get("type") != "BPE":
        raise ConfigError(
            f"the GGUF export handles BPE tokenizers, not {model.get('type')!r}: "
            "run llama.cpp's convert_hf_to_gguf.py on OUT/model instead"
        )
    byte_level = not model.get("byte_fallback", False)
    tokens, types = _tokens(tokenizer, spec, byte_level)
    writer.add_tokenizer_model("gpt2" if byte_level else "llama")
    if byte_level:
        writer.add_tokenizer_pre(pre or "default")
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    if not byte_level:  # SentencePiece-style: llama.cpp ranks merges by score
        writer.add_token_scores([-float(i) for i in range(len(tokens))])
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges", [])]
    writer.add_token_merges(merges)
    for kind in ("bos", "eos", "unk", "pad"):
        token_id = getattr(tokenizer, f"{kind}_token_id", None)
        if token_id is not None:
            getattr(writer, f"add_{kind}_token_id")(token_id)
    writer.add_add_bos_token(_adds_bos(tokenizer))
    writer.add_add_eos_token(False)
    writer.add_chat_template(CHAT_TEMPLATE)


def _tokens(tokenizer: Any, spec: dict[str, Any], byte_level: bool) -> tuple[list[str], list[int]]:
    import gguf

    size = len(tokenizer)
    by_id = {i: t for t, i in tokenizer.get_vocab().items()}
    if sorted(by_id) != list(range(size)):
        raise ConfigError("the tokenizer's ids are not contiguous; cannot write a GGUF vocabulary")
    added = {a["id"]: a for a in spec.get("added_tokens", [])}
    tokens, types = [], []
    for i in range(size):
        text = by_id[i]
        if i in added:
            kind = (
                gguf.TokenType.CONTROL if added[i].get("special") else gguf.TokenType.USER_DEFINED
            )
        elif not byte_level and text.startswith("<0x") and text.endswith(">") and len(text) == 6:
            kind = gguf.TokenType.BYTE
        else:
            kind = gguf.TokenType.NORMAL
        tokens.append(text)
        types.append(int(kind))
    return tokens, types


def _adds_bos(tokenizer: Any) -> bool:
    bos = tokenizer.bos_token_id
    ids = tokenizer("a")["input_ids"]
    return bos is not None and bool(ids) and ids[0] == bos


# --- the tensors -----------------------------------------------------------------------------


def _tensors(model: Any, weights: str) -> Iterator[tuple[str, np.ndarray, Any]]:
    import gguf

    config = model.config
    names = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, config.num_hidden_layers)
    heads, kv_heads = (
        config.num_attention_heads,
        config.num_key_value_heads or config.num_attention_heads,
    )
    tied = bool(getattr(config, "tie_word_embeddings", False))
    for hf_name, tensor in model.state_dict().items():
        if hf_name.endswith("rotary_emb.inv_freq") or (tied and hf_name == "lm_head.weight"):
            continue
        name = names.get_name(hf_name, try_suffixes=(".weight", ".bias"))
        if name is None:
            raise ConfigError(f"the GGUF export does not know the tensor {hf_name}")
        data = tensor.detach().float().cpu().numpy()
        if hf_name.endswith("q_proj.weight"):
            data = _unpermute_rope(data, heads)
        elif hf_name.endswith("k_proj.weight"):
            data = _unpermute_rope(data, kv_heads)
        yield (name, *_encode(data, weights))


def _unpermute_rope(weight: np.ndarray, heads: int) -> np.ndarray:
    """Rows from "rotate half" order (x[:d/2], x[d/2:] pairs) to interleaved pairs."""
    rows = weight.shape[0]
    return (
        weight.reshape(heads, 2, rows // heads // 2, *weight.shape[1:])
        .swapaxes(1, 2)
        .reshape(weight.shape)
    )


def _encode(data: np.ndarray, weights: str) -> tuple[np.ndarray, Any]:
    """1-D tensors (norms) stay float32; matrices get the chosen type (q8_0 needs rows that
    are a multiple of its 32-value blocks, else f16)."""
    import gguf

    types = gguf.GGMLQuantizationType
    if data.ndim == 1 or weights == "f32":
        return data.astype(np.float32), types.F32
    if weights == "q8_0" and data.shape[-1] % 32 == 0:
        return gguf.quants.quantize(data, types.Q8_0), types.Q8_0
    if weights == "bf16":
        return gguf.quants.quantize(data, types.BF16), types.BF16
    return data.astype(np.float16), types.F16


def pre_tokenizer(gguf_path: Path) -> str | None:
    """The llama.cpp pre-tokenizer name a GGUF file declares (carried into the export)."""
    import gguf

    field = gguf.GGUFReader(str(gguf_path)).fields.get("tokenizer.ggml.pre")
    return str(field.contents()) if field is not None else None
