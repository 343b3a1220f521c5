"""Presets, YAML files and flags: they load, validate, and override in that order."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
import yaml

from codeact.errors import ConfigError
from codeact.train.config import TrainConfig, load_config, presets


def test_every_preset_loads_and_validates() -> None:
    assert set(presets()) == {"cpu", "7b"}
    for name in presets():
        assert isinstance(load_config(name), TrainConfig)


def test_the_7b_preset_is_the_papers_recipe() -> None:
    c = load_config("7b")
    assert (c.learning_rate, c.lr_scheduler, c.warmup_steps, c.global_batch_size, c.epochs) == (
        1e-5, "cosine", 50, 32, 5
    )  # fmt: skip
    assert c.bf16 and c.max_length >= 4096 and not c.lora
    assert c.accumulation(world_size=8) == 4  # 32 sequences = 8 GPUs x 1 x 4 steps


def test_a_yaml_file_overrides_the_preset_and_flags_override_both(tmp_path: Path) -> None:
    path = tmp_path / "train.yaml"
    path.write_text("learning_rate: 3.0e-4\nlora: true\nlora_r: 8\n")
    c = load_config("cpu", path, {"lora_r": 4, "epochs": None})
    assert (c.learning_rate, c.lora, c.lora_r) == (3e-4, True, 4)
    assert c.epochs == load_config("cpu").epochs  # a flag not given changes nothing


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("learning_rate: -1\n", "bad training option learning_rate"),
        ("lerning_rate: 1\n", "unknown options lerning_rate"),
        ("overlong: keep\n", "bad training option overlong"),
        ("threads: 0\n", "bad training option threads"),
        ("- a list\n", "expected a mapping"),
        ("batch_size: 3\nglobal_batch_size: 8\n", "multiple of batch_size"),
        ("a: [\n", "malformed YAML"),
    ],
)
def test_bad_options_get_one_line_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "train.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as err:
        load_config("cpu", path)
    assert "\n" not in str(err.value)


def test_unknown_preset_and_missing_file() -> None:
    with pytest.raises(ConfigError, match="unknown preset 'huge'; choose from 7b, cpu"):
        load_config("huge")
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config("cpu", Path("/nonexistent/train.yaml"))


def test_the_accelerate_configs_name_their_engines() -> None:
    folder = files("codeact.train") / "accelerate"
    engines = {p.name: yaml.safe_load(p.read_text())["distributed_type"] for p in folder.iterdir()}
    assert engines == {
        "ddp.yaml": "MULTI_GPU",
        "fsdp.yaml": "FSDP",
        "deepspeed_zero3.yaml": "DEEPSPEED",
    }
    zero = yaml.safe_load((folder / "deepspeed_zero3.yaml").read_text())
    assert zero["deepspeed_config"]["zero_stage"] == 3
