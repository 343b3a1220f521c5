"""The loaders read the public formats (the data set's own layouts too), and a malformed file is
a one-line error that names the file and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codeact.bench.registry import load_suite
from codeact.data.envs import get_env, make_suite
from codeact.data.io import DataFileError
from codeact.errors import ConfigError


def test_every_environment_is_a_benchmark_suite_with_two_splits() -> None:
    for env in ("search", "math", "code", "table", "household"):
        train, test = load_suite(f"data:{env}:train"), load_suite(f"data:{env}:test")
        assert train.tasks and test.tasks
        # no test task is a training task (a table question may recur over another table)
        assert not {(t.prompt, t.setup) for t in train.tasks} & {
            (t.prompt, t.setup) for t in test.tasks
        }
        assert all(t.domain == env and t.expert and t.judge for t in train.tasks)


def test_unknown_environment_and_split_are_clear_errors() -> None:
    with pytest.raises(ConfigError, match="unknown environment 'chess'; choose from search, math"):
        make_suite("chess")
    with pytest.raises(ConfigError, match="unknown split 'dev'"):
        make_suite("math:dev")


def test_math_reads_the_folder_layout_of_the_real_data_set(tmp_path: Path) -> None:
    folder = tmp_path / "MATH" / "test" / "algebra"
    folder.mkdir(parents=True)
    problem = {"problem": "What is $1+1$?", "level": "Level 1", "type": "Algebra",
               "solution": "It is $\\boxed{2}$."}  # fmt: skip
    (folder / "17.json").write_text(json.dumps(problem))
    [record] = get_env("math").load("test", tmp_path / "MATH")
    assert record.id == "algebra_17" and record.answer == "2" and record.program == []


def test_math_malformed_jsonl_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "math.jsonl"
    good = json.dumps({"problem": "p", "solution": "\\boxed{1}"})
    path.write_text(f"{good}\n{{not json\n")
    with pytest.raises(DataFileError, match=r"math.jsonl:2: malformed JSON"):
        get_env("math").load("train", path)
    path.write_text(json.dumps({"problem": "p", "solution": "no box"}) + "\n")
    with pytest.raises(DataFileError, match=r"math.jsonl:1: the solution has no \\boxed"):
        get_env("math").load("train", path)


def test_apps_reads_jsonl_with_encoded_fields_and_the_folder_layout(tmp_path: Path) -> None:
    spec = {"inputs": ["1\n"], "outputs": ["1\n"]}
    row = {"problem_id": 5, "question": "Echo.", "input_output": json.dumps(spec),
           "solutions": json.dumps(["print(input())"])}  # fmt: skip
    (tmp_path / "apps.jsonl").write_text(json.dumps(row) + "\n")
    [record] = get_env("code").load("train", tmp_path / "apps.jsonl")
    assert record.inputs == ["1\n"] and record.solutions == ["print(input())"]
    folder = tmp_path / "APPS" / "train" / "0003"
    folder.mkdir(parents=True)
    (folder / "question.txt").write_text("Echo.")
    (folder / "input_output.json").write_text(json.dumps({**spec, "fn_name": "f"}))
    [record] = get_env("code").load("train", tmp_path / "APPS")
    assert record.id == "0003" and record.fn_name == "f"
    bad = {**row, "input_output": '{"inputs": ['}
    (tmp_path / "bad.jsonl").write_text(json.dumps(row) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(DataFileError, match=r"bad.jsonl:2: field 'input_output' is not valid JSON"):
        get_env("code").load("train", tmp_path / "bad.jsonl")


def test_wikitq_reads_tsv_and_csv_and_names_bad_lines(tmp_path: Path) -> None:
    (tmp_path / "csv" / "200-csv").mkdir(parents=True)
    (tmp_path / "data").mkdir()
    (tmp_path / "csv" / "200-csv" / "0.csv").write_text('Name,Goals\n"Ann, Jr.",3\nBo,5\n')
    tsv = tmp_path / "data" / "training.tsv"
    tsv.write_text(
        "id\tutterance\tcontext\ttargetValue\nnt-0\twho scored most?\tcsv/200-csv/0.csv\tBo|a\\pb\n"
    )
    [record] = get_env("table").load("train", tmp_path)
    assert record.targets == ["Bo", "a|b"] and record.columns == ["Name", "Goals"]
    tsv.write_text(tsv.read_text() + "nt-1\tmissing a field\n")
    with pytest.raises(DataFileError, match=r"training.tsv:3: 2 fields, the header has 4"):
        get_env("table").load("train", tmp_path)


def test_hotpot_and_alfworld_formats(tmp_path: Path) -> None:
    question = {"_id": "q1", "question": "Who?", "answer": "Ann", "type": "bridge",
                "supporting_facts": [["Ann", 0]], "context": [["Ann", ["Ann is a poet."]]]}  # fmt: skip
    (tmp_path / "hotpot.json").write_text(json.dumps([question]))
    [record] = get_env("search").load("train", tmp_path / "hotpot.json")
    assert record.corpus.search("ann").startswith("Ann\nAnn is a poet.")
    (tmp_path / "broken.json").write_text(json.dumps({"not": "a list"}))
    with pytest.raises(DataFileError, match="expected a JSON list of HotpotQA questions"):
        get_env("search").load("train", tmp_path / "broken.json")
    game = tmp_path / "alfworld" / "train" / "pick_and_place_simple-Mug-None-Shelf-1" / "trial_1"
    game.mkdir(parents=True)
    (game / "traj_data.json").write_text(json.dumps({
        "task_type": "pick_and_place_simple", "scene": {"random_seed": 42},
        "pddl_params": {"object_target": "Mug", "parent_target": "Shelf", "toggle_target": ""},
    }))  # fmt: skip
    [task] = get_env("household").load("train", tmp_path / "alfworld")
    assert (task.obj, task.recep, task.seed) == ("mug", "shelf", 42)
    (tmp_path / "h.jsonl").write_text(json.dumps({"task_type": "juggle", "pddl_params": {}}) + "\n")
    with pytest.raises(DataFileError, match=r"h.jsonl:1: unknown task_type 'juggle'"):
        get_env("household").load("train", tmp_path / "h.jsonl")
