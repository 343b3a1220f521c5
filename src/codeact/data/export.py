"""Export: trajectories as training rows, optionally mixed with general conversation data.

Formats (`--format`, comma-separated; `messages` is the default and the stable contract that
`codeact.train` reads, see `conversations.py`):

- `messages`: `messages.jsonl`, OpenAI chat-format rows.
- `sharegpt`: `sharegpt.jsonl`, `{"id", "conversations": [{"from", "value"}]}`.
- `hf`: a `datasets.DatasetDict` (split `train`) saved to `hf/`, and `parquet/train.parquet`.

Mixing: `ratio` general rows per trajectory row (0.2 adds one general conversation for every five
trajectories), drawn without replacement with a fixed seed; when the general data is smaller, all
of it is used. The export is written to a temporary folder and moved into place, so it is never
half written, and an existing folder is never overwritten unless asked.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeact.data.conversations import Row, load_conversations, to_sharegpt, trajectory_row
from codeact.data.envs.base import samples_dir
from codeact.data.io import write_jsonl
from codeact.errors import ConfigError, MissingDependency
from codeact.types import Trajectory

FORMATS = ("messages", "sharegpt", "hf")
GENERAL_SAMPLE = "sample"  # --mix sample: the general conversations shipped in the package


@dataclass
class ExportConfig:
    out: Path
    formats: list[str] = field(default_factory=lambda: ["messages"])
    mix: list[Path] = field(default_factory=list)
    ratio: float = 1.0
    seed: int = 0
    overwrite: bool = False

    def __post_init__(self) -> None:
        unknown = set(self.formats) - set(FORMATS)
        if unknown:
            raise ConfigError(
                f"unknown export formats {sorted(unknown)}; choose from {', '.join(FORMATS)}"
            )
        if self.ratio < 0:
            raise ConfigError("the mixing ratio cannot be negative")
        if self.out.exists() and not self.overwrite:
            raise ConfigError(
                f"{self.out} already exists; choose another folder or pass --overwrite"
            )


def general_sample() -> Path:
    return samples_dir("general") / "sharegpt.jsonl"


def rows_for(trajectories: Sequence[Trajectory], config: ExportConfig) -> tuple[list[Row], int]:
    """The trajectory rows, then the general rows mixed in; returns (rows, general rows used)."""
    rows = [trajectory_row(t) for t in trajectories]
    general: list[Row] = []
    for path in config.mix:
        general += load_conversations(general_sample() if str(path) == GENERAL_SAMPLE else path)
    wanted = min(len(general), round(config.ratio * len(rows)))
    picked = random.Random(config.seed).sample(general, wanted) if general else []
    mixed = rows + picked
    random.Random(config.seed).shuffle(mixed)
    return mixed, len(picked)


def export(trajectories: Sequence[Trajectory], config: ExportConfig) -> dict[str, Any]:
    if config.out.exists() and not config.overwrite:
        raise ConfigError(f"{config.out} already exists; choose another folder or pass --overwrite")
    rows, general = rows_for(trajectories, config)
    if not rows:
        raise ConfigError("nothing to export: no trajectories (and no general rows)")
    config.out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{config.out.name}-", dir=config.out.parent))
    try:
        files = _write(rows, config.formats, staging)
        manifest = {"rows": len(rows), "trajectories": len(rows) - general, "general": general,
                    "formats": config.formats, "files": files}  # fmt: skip
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=1))
        if config.out.exists():
            shutil.rmtree(config.out)
        staging.rename(config.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _write(rows: list[Row], formats: list[str], out: Path) -> list[str]:
    files = []
    if "messages" in formats:
        write_jsonl(out / "messages.jsonl", rows)
        files.append("messages.jsonl")
    if "sharegpt" in formats:
        write_jsonl(out / "sharegpt.jsonl", (to_sharegpt(r) for r in rows))
        files.append("sharegpt.jsonl")
    if "hf" in formats:
        try:
            from datasets import Dataset, DatasetDict
        except ImportError as exc:
            raise MissingDependency("datasets", "data", "the Hugging Face export") from exc
        from datasets.utils.logging import disable_progress_bar

        disable_progress_bar()
        data = DatasetDict({"train": Dataset.from_list(rows)})
        data.save_to_disk(str(out / "hf"))
        (out / "parquet").mkdir()
        data["train"].to_parquet(str(out / "parquet" / "train.parquet"))
        files += ["hf/", "parquet/train.parquet"]
    return files
