"""The pipeline through its commands: generate (resumable, a teacher that fails mid-run, a real
OpenAI-compatible teacher server on 127.0.0.1), filter (every rule, decontamination, near
duplicates), export (and loading it back), stats."""

from __future__ import annotations

import copy
import csv
import itertools
import json
import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from codeact.bench.registry import load_suite
from codeact.data.conversations import row_trajectory
from codeact.data.dataset import read_trajectories, write_trajectories
from codeact.data.filter import RULES, FilterConfig, filter_trajectories
from codeact.data.stats import compute, get_tokenizer
from codeact.types import ExecutionError, Message, Observation, Trajectory

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def codeact(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "codeact", "data", *args], cwd=cwd, capture_output=True, text=True,
        env=env, timeout=600,
    )  # fmt: skip


def rows_of(results: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in results.read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Expert runs in three environments, on a two-worker process pool with sandboxed kernels."""
    cwd = tmp_path_factory.mktemp("data")
    done = codeact("generate", "--env", "math,household,search", "--n", "5", "--out", "gen",
                   "--mistakes", "0.6", cwd=cwd)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return cwd / "gen"


def test_generate_saves_one_trajectory_per_episode_with_metadata(generated: Path) -> None:
    rows = rows_of(generated / "results.jsonl")
    assert len(rows) == 15 and all(r["success"] and r["error"] is None for r in rows)
    assert {r["domain"] for r in rows} == {"math", "household", "search"}
    trajectories = read_trajectories(generated)
    assert len(trajectories) == 15
    for t in trajectories:
        meta = t.meta
        assert {"task", "domain", "model", "seed", "success", "errors_recovered"} <= set(meta)
        assert meta["model"] == "expert" and meta["success"] is True
        assert t.turns <= 5 and t.usage.total_tokens > 0
    assert any(t.meta["errors_recovered"] for t in trajectories)


def test_generate_resumes_without_redoing_anything(generated: Path) -> None:
    before = (generated / "results.jsonl").read_text()
    again = codeact("generate", "--env", "math,household,search", "--n", "5", "--out", "gen",
                    "--mistakes", "0.6", cwd=generated.parent)  # fmt: skip
    assert again.returncode == 0 and "0 episodes to run" in again.stdout
    assert (generated / "results.jsonl").read_text() == before


def test_a_teacher_that_fails_mid_run_is_resumed(tmp_path: Path) -> None:
    """The scripted teacher runs out of replies in the middle of each episode: the rows say so, the
    command fails with a hint, and rerunning (the teacher fixed) finishes the same episodes."""
    replies = tmp_path / "teacher.json"
    replies.write_text(json.dumps(["<execute>print('thinking')</execute>"]))
    args = ("generate", "--env", "math", "--n", "2", "--teacher", f"scripted:{replies}", "--out", "gen",
            "--engine", "serial", "--max-solutions", "1")  # fmt: skip
    first = codeact(*args, cwd=tmp_path)
    assert first.returncode == 1 and "2 episodes failed to run" in first.stdout
    assert "rerun the command to retry them" in first.stdout
    assert all(
        "ran out of replies" in str(r["error"]) for r in rows_of(tmp_path / "gen" / "results.jsonl")
    )
    replies.write_text(
        json.dumps(["<execute>print('thinking')</execute>", "<solution>1</solution>"])
    )
    second = codeact(*args, cwd=tmp_path)
    assert second.returncode == 0, second.stdout
    assert "2 episodes to run" in second.stdout
    trajectories = read_trajectories(tmp_path / "gen")
    assert len(trajectories) == 2 and all(t.turns == 2 for t in trajectories)


def test_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    unknown = codeact("generate", "--env", "math,chess", "--out", "gen", cwd=tmp_path)
    assert unknown.returncode == 2
    assert (
        unknown.stderr.strip()
        == "error: unknown environment 'chess'; choose from search, math, code, table, household"
    )
    assert not (tmp_path / "gen").exists()
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(Trajectory().to_dict()) + "\n{oops\n")
    result = codeact("filter", str(bad), "--out", "kept.jsonl", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "bad.jsonl:2: malformed JSON" in result.stderr


# --- filter ---------------------------------------------------------------------------------------


def _variant(t: Trajectory, **meta: object) -> Trajectory:
    out = copy.deepcopy(t)
    out.meta.update(meta)
    return out


def _paraphrase(t: Trajectory) -> Trajectory:
    """The same run in slightly different words (a near duplicate)."""
    out = copy.deepcopy(t)
    for i, m in enumerate(out.messages):
        if m.role == "user" and i > 1:
            out.messages[i] = Message(
                "user", m.content.replace("Observation:", "Observation (output):", 1)
            )
    return out


def _broken(t: Trajectory, *, invalid: bool) -> Trajectory:
    """Every turn malformed (invalid) or a failing execution (no progress), then the answer."""
    out = copy.deepcopy(t)
    failing = Observation("Traceback: NameError", error=ExecutionError("NameError", "x", ""))
    out.steps = [replace(s, format_error="bad reply" if invalid else None,
                         observation=None if invalid else failing) for s in out.steps[:-1]]  # fmt: skip
    out.steps.append(t.steps[-1])
    return out


def test_filter_applies_every_rule_and_counts_what_it_removed(generated: Path) -> None:
    runs = [t for t in read_trajectories(generated) if t.turns >= 3]
    base, other = runs[0], runs[1]
    planted = _variant(other)
    prompt = load_suite("travel").tasks[3].prompt
    planted.messages[1] = Message("user", planted.messages[1].content + "\n" + prompt)
    short = _variant(runs[2])
    short.steps = short.steps[-2:]
    extra = [
        _variant(base, success=False),
        short,
        _broken(base, invalid=True),
        _broken(base, invalid=False),
        _variant(base),  # an exact copy
        _paraphrase(base),  # a near duplicate
        planted,
    ]
    kept, report = filter_trajectories([*runs, *extra], FilterConfig())
    assert list(report.removed) == list(RULES)
    removed = report.removed
    assert removed["failed"] == 1 and removed["short"] >= 1 and removed["all_invalid"] == 1
    assert removed["no_progress"] == 1 and removed["exact_duplicate"] >= 1
    assert removed["near_duplicate"] >= 1 and removed["contaminated"] == 1
    assert report.kept == len(kept) == report.total - sum(removed.values())
    assert not any(prompt in m.content for t in kept for m in t.messages)  # the planted one is gone
    assert base in kept or any(t.messages == base.messages for t in kept)
    assert any(t.messages == other.messages for t in kept)  # its clean original stays


def test_near_duplicates_are_paraphrased_copies_not_different_tasks(generated: Path) -> None:
    runs = [t for t in read_trajectories(generated) if t.turns >= 3]
    copies = [_paraphrase(t) for t in runs]
    kept, report = filter_trajectories(runs + copies, FilterConfig(benchmarks=False))
    assert report.removed["near_duplicate"] == len(runs) and len(kept) == len(runs)


def test_decontamination_reads_extra_eval_files(generated: Path, tmp_path: Path) -> None:
    runs = [t for t in read_trajectories(generated) if t.turns >= 3]
    math = next(t for t in runs if t.meta["domain"] == "math")
    question = math.messages[1].content.split("\n\n")[1]  # the problem, without instructions
    evals = tmp_path / "eval.jsonl"
    evals.write_text(json.dumps({"question": question}) + "\n")
    _, report = filter_trajectories(runs, FilterConfig(eval_files=[evals], benchmarks=False))
    assert report.removed["contaminated"] == 1


# --- export and stats -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kept(generated: Path) -> Path:
    result = codeact("filter", "gen", "--out", "kept.jsonl", cwd=generated.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads((generated.parent / "kept.report.json").read_text())
    assert set(report["removed"]) == set(RULES) and report["total"] == 15
    assert f"{report['kept']} kept" in result.stdout
    return generated.parent / "kept.jsonl"


def test_export_round_trips_and_loads_as_a_hugging_face_dataset(kept: Path) -> None:
    from datasets import load_from_disk

    cwd = kept.parent
    done = codeact("export", "kept.jsonl", "--out", "export", "--format", "all", "--mix", "sample",
                   "--mix-ratio", "0.5", cwd=cwd)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    trajectories = read_trajectories(kept)
    manifest = json.loads((cwd / "export" / "manifest.json").read_text())
    assert manifest["trajectories"] == len(trajectories)
    assert manifest["general"] == round(0.5 * len(trajectories))
    rows = [
        json.loads(line) for line in (cwd / "export" / "messages.jsonl").read_text().splitlines()
    ]
    by_id = {r["id"]: r for r in rows if r["env"] != "general"}
    for t in trajectories:  # the messages JSONL is the trajectory, turn for turn
        back = row_trajectory(by_id[f"{t.meta['task']}/s0/expert"])
        assert back.messages == t.messages
        assert [m.role for m in back.messages][:2] == ["system", "user"]
    general = [r for r in rows if r["env"] == "general"]
    assert len(general) == manifest["general"] and general[0]["messages"][-1]["role"] == "assistant"
    sharegpt = [
        json.loads(line) for line in (cwd / "export" / "sharegpt.jsonl").read_text().splitlines()
    ]
    assert {turn["from"] for r in sharegpt for turn in r["conversations"]} <= {
        "system",
        "human",
        "gpt",
    }
    dataset = load_from_disk(str(cwd / "export" / "hf"))
    assert dataset["train"].num_rows == len(rows)
    assert dataset["train"][0]["messages"][0]["role"] in ("system", "user")
    import pandas as pd

    assert len(pd.read_parquet(cwd / "export" / "parquet" / "train.parquet")) == len(rows)
    again = codeact("export", "kept.jsonl", "--out", "export", cwd=cwd)
    assert again.returncode == 2 and "export already exists" in again.stderr
    assert json.loads((cwd / "export" / "manifest.json").read_text()) == manifest  # untouched


def test_mixing_reads_messages_sharegpt_and_saved_datasets(kept: Path, tmp_path: Path) -> None:
    from codeact.data.conversations import load_conversations
    from codeact.data.export import general_sample

    sample = load_conversations(general_sample())
    assert len(sample) >= 20 and all(r["env"] == "general" for r in sample)
    messages = tmp_path / "chat.jsonl"
    messages.write_text("".join(json.dumps({"messages": r["messages"]}) + "\n" for r in sample))
    assert [r["messages"] for r in load_conversations(messages)] == [r["messages"] for r in sample]
    from datasets import Dataset

    Dataset.from_list(
        [{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}]
    ).save_to_disk(str(tmp_path / "hf"))
    assert load_conversations(tmp_path / "hf")[0]["messages"][1] == {
        "role": "assistant",
        "content": "hello",
    }
    messages.write_text(json.dumps({"messages": [{"role": "robot", "content": "x"}]}) + "\n")
    with pytest.raises(Exception, match=r"chat.jsonl:1: message 0 needs a role"):
        load_conversations(messages)


def test_stats_table_with_the_embedded_and_a_hugging_face_tokenizer(
    kept: Path, tmp_path: Path
) -> None:
    result = codeact("stats", "kept.jsonl", "--out", "stats", cwd=kept.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    trajectories = read_trajectories(kept)
    with (kept.parent / "stats" / "stats.csv").open() as handle:
        rows = {r["env"]: r for r in csv.DictReader(handle)}
    assert int(rows["total"]["instances"]) == len(trajectories)
    embedded = get_tokenizer()
    total = sum(embedded(m.content) for t in trajectories for m in t.messages)
    assert int(rows["total"]["total_tokens"]) == total
    assert total < sum(len(m.content) for t in trajectories for m in t.messages) / 2  # real tokens
    assert (kept.parent / "stats" / "stats.png").read_bytes().startswith(PNG_MAGIC)
    assert "| **total** |" in (kept.parent / "stats" / "stats.md").read_text()
    from tokenizers import Tokenizer, models, pre_tokenizers

    words = Tokenizer(models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    words.pre_tokenizer = pre_tokenizers.Whitespace()
    words.save(str(tmp_path / "tokenizer.json"))
    counted = compute(trajectories, get_tokenizer(str(tmp_path)))
    expected = sum(
        len(re.findall(r"\w+|[^\w\s]+", m.content)) for t in trajectories for m in t.messages
    )
    assert counted[-1].env == "total" and counted[-1].total_tokens == expected


def test_trajectory_jsonl_round_trips(generated: Path, tmp_path: Path) -> None:
    runs = read_trajectories(generated)
    write_trajectories(tmp_path / "t.jsonl", runs)
    assert [t.to_dict() for t in read_trajectories(tmp_path / "t.jsonl")] == [
        t.to_dict() for t in runs
    ]


# --- a real teacher server (llama-cpp-python's, with the bundled model) -----------------------
@pytest.mark.slow
def test_generate_against_a_real_model_server(model_server: str, tmp_path: Path) -> None:
    done = codeact(
        "generate", "--env", "math,household", "--n", "1", "--teacher", "openai:smollm2",
        "--base-url", model_server, "--max-tokens", "64", "--out", "gen", "--workers", "1",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    rows = rows_of(tmp_path / "gen" / "results.jsonl")
    assert len(rows) == 2 and {r["domain"] for r in rows} == {"math", "household"}
    for row in rows:
        assert row["error"] is None and row["model"] == "openai:smollm2"
        assert isinstance(row["success"], bool) and 1 <= int(row["turns"]) <= 5
        assert int(row["prompt_tokens"]) > 0 and int(row["completion_tokens"]) > 0
    for trajectory in read_trajectories(tmp_path / "gen"):
        roles = [m.role for m in trajectory.messages]
        assert roles[:3] == ["system", "user", "assistant"]
        assert all(a != b for a, b in itertools.pairwise(roles[1:]))  # turns alternate
        assert trajectory.steps[0].completion.model  # what the server said it ran
        assert json.dumps(trajectory.to_dict())  # saved whole


def test_a_fallback_teacher_reruns_only_what_the_teacher_missed(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(["<solution>-987654321</solution>"]))
    done = codeact("generate", "--env", "math", "--n", "3", "--teacher", f"scripted:{wrong}",
                   "--max-solutions", "1", "--fallback-teacher", "expert", "--out", "gen",
                   "--engine", "serial", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    rows = rows_of(tmp_path / "gen" / "results.jsonl")
    assert [r["model"] for r in rows].count("expert") == 3  # every task, rerun by the fallback
    assert all(r["success"] == (r["model"] == "expert") for r in rows)
    kept, _ = filter_trajectories(read_trajectories(tmp_path / "gen"), FilterConfig(min_turns=1))
    assert {t.meta["model"] for t in kept} == {"expert"}


@pytest.mark.slow
def test_generate_on_ray(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    from codeact.data.generate import GenerateConfig, generate

    try:
        ray.init(num_cpus=2, include_dashboard=False)
        generate(
            GenerateConfig(envs=["household"], n=3, out=tmp_path, engine="ray", kernel="sandbox")
        )
    finally:
        ray.shutdown()
    rows = rows_of(tmp_path / "results.jsonl")
    assert len(rows) == 3 and all(r["success"] and r["error"] is None for r in rows)
