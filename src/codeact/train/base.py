"""Loading the base model and tokenizer: a Hugging Face folder, a GGUF file (transformers
dequantizes it: `gguf_file=`), a name already in the local Hugging Face cache, or `embedded` (the
bundled SmolLM2-135M-Instruct GGUF). Nothing is downloaded.

ChatML is the chat format: a tokenizer without `<|im_start|>`/`<|im_end|>` gets them as special
tokens, and the model's embeddings are resized to match. `<|im_end|>` ends every assistant turn,
so it becomes the end-of-sequence token.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeact.errors import ConfigError, MissingDependency
from codeact.train.config import EMBEDDED
from codeact.train.labels import CHAT_TEMPLATE, IM_END, IM_START


@dataclass
class Base:
    model: Any  # a transformers PreTrainedModel
    tokenizer: Any  # a fast tokenizer (offsets are needed for the labels)
    source: str
    gguf: Path | None  # the GGUF it came from, if any
    added_tokens: int  # ChatML tokens added to the vocabulary


def locate(base: str) -> tuple[str, dict[str, Any], Path | None]:
    """(from_pretrained path, its keyword arguments, the GGUF file) for `base`."""
    if base == EMBEDDED:
        from codeact.llms.local import embedded_model_path

        gguf = embedded_model_path()
        return str(gguf.parent), {"gguf_file": gguf.name}, gguf
    path = Path(base).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return str(path.parent), {"gguf_file": path.name}, path
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ConfigError(f"base model folder {path} has no config.json")
        return str(path), {}, None
    if path.exists():
        raise ConfigError(f"base model {path}: expected a model folder or a .gguf file")
    if _in_hf_cache(base):
        return base, {"local_files_only": True}, None
    raise ConfigError(
        f"base model not found: {base} (a Hugging Face model folder, a .gguf file, "
        f"'{EMBEDDED}', or a name in the local Hugging Face cache; nothing is downloaded)"
    )


def load_base(base: str, *, dtype: str = "float32") -> Base:
    tokenizer = load_tokenizer(base)
    try:
        import torch
        from transformers import AutoModelForCausalLM
    except ImportError as exc:
        raise MissingDependency("transformers", "train", "codeact train") from exc
    where, kwargs, gguf = locate(base)
    try:
        model = AutoModelForCausalLM.from_pretrained(where, dtype=getattr(torch, dtype), **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot load the base model {base}: {_first_line(exc)}") from exc
    if gguf is not None:
        _forget_quantization(model)
    added = add_chatml(model, tokenizer)
    return Base(model, tokenizer, base, gguf, added)


def load_tokenizer(base: str) -> Any:
    """The base's fast tokenizer (the labels need its character offsets)."""
    try:
        from transformers import AutoTokenizer
    except ImportError as exc:
        raise MissingDependency("transformers", "train", "codeact train") from exc
    where, kwargs, _ = locate(base)
    try:
        tokenizer = AutoTokenizer.from_pretrained(where, **kwargs)
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"cannot load the tokenizer of {base}: {_first_line(exc)}") from exc
    if not tokenizer.is_fast:
        raise ConfigError(f"{base}: training needs a fast tokenizer (tokenizer.json)")
    return tokenizer


def chatml_tokenizer(base: str) -> Any:
    """The base's tokenizer as training sees it (ChatML added), without loading the model: the
    data is checked before the weights load."""
    tokenizer = load_tokenizer(base)
    add_chatml_tokens(tokenizer)
    return tokenizer


def add_chatml_tokens(tokenizer: Any) -> int:
    """Add the ChatML tokens the tokenizer lacks; set the template, the end token and a pad
    token. Returns the number of tokens added."""
    vocab = tokenizer.get_vocab()
    missing = [t for t in (IM_START, IM_END) if t not in vocab]
    if missing:
        tokenizer.add_special_tokens({"additional_special_tokens": missing})
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.eos_token = IM_END
    if tokenizer.pad_token is None:
        tokenizer.pad_token = IM_END  # labels mark the loss; padding is masked by attention
    return len(missing)


def add_chatml(model: Any, tokenizer: Any) -> int:
    """`add_chatml_tokens`, the embeddings resized to match, the end and pad tokens set in the
    model's configs. Returns the number of tokens added."""
    added = add_chatml_tokens(tokenizer)
    if added:
        model.resize_token_embeddings(len(tokenizer), mean_resizing=True)
    end = tokenizer.convert_tokens_to_ids(IM_END)
    model.config.eos_token_id = end
    model.config.pad_token_id = tokenizer.pad_token_id
    if model.generation_config is not None:
        model.generation_config.eos_token_id = end
        model.generation_config.pad_token_id = tokenizer.pad_token_id
    return added


def _forget_quantization(model: Any) -> None:
    """A GGUF model is dequantized when loaded: it is a plain float model from then on (so the
    trainer trains it, and the saved folder does not claim to be GGUF)."""
    for name in ("quantization_config",):
        if hasattr(model.config, name):
            delattr(model.config, name)
    for name in ("hf_quantizer", "quantization_method"):
        if getattr(model, name, None) is not None:
            setattr(model, name, None)
    model.is_quantized = False


def _in_hf_cache(name: str) -> bool:
    if name.count("/") != 1:
        return False
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    return isinstance(try_to_load_from_cache(name, "config.json"), str)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
