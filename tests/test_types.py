from pathlib import Path

from codeact.types import (
    NO_OUTPUT,
    CodeAction,
    Completion,
    ExecutionError,
    Message,
    Observation,
    Step,
    Trajectory,
    Usage,
    strip_ansi,
    truncate_middle,
)


def test_truncate_keeps_head_and_tail_and_says_how_much_was_cut() -> None:
    text = "A" * 100 + "B" * 1000 + "C" * 100
    out = truncate_middle(text, 200)
    assert out.startswith("A" * 100) and out.endswith("C" * 100)
    assert "[1000 characters truncated]" in out


def test_short_text_is_not_truncated() -> None:
    assert truncate_middle("hello", 200) == "hello"


def test_strip_ansi_removes_colour_codes() -> None:
    assert strip_ansi("\x1b[0;31mZeroDivisionError\x1b[0m: boom") == "ZeroDivisionError: boom"


def test_observation_renders_no_output_marker() -> None:
    assert str(Observation()) == NO_OUTPUT


def test_observation_rendering_is_truncated_but_output_is_whole() -> None:
    obs = Observation(output="x" * 10_000, limit=1000)
    assert len(str(obs)) < 1100
    assert len(obs.output) == 10_000


def test_observation_lists_images_and_notices() -> None:
    obs = Observation(output="hi", images=["outputs/image_1.png"], notices=["restarted"])
    assert str(obs) == "hi\n[image saved to outputs/image_1.png]\n[restarted]"


def test_trajectory_round_trips_through_versioned_json(tmp_path: Path) -> None:
    obs = Observation("out", ExecutionError("ValueError", "bad", "tb"), ["a.png"], ["n"], 0.5)
    step = Step(1, Completion("text", Usage(3, 4), 0.1, "stop", "m"), CodeAction("x = 1"), obs)
    traj = Trajectory([Message("user", "hi")], [step], "finished", "42", {"llm": "x"})
    path = traj.save(tmp_path / "t.json")
    loaded = Trajectory.load(path)
    assert loaded == traj
    assert loaded.usage.total_tokens == 7
    assert '"version": 1' in path.read_text()


def test_loading_a_foreign_file_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"messages": []}')
    try:
        Trajectory.load(path)
    except ValueError as exc:
        assert "not a codeact trajectory" in str(exc)
    else:
        raise AssertionError("expected ValueError")
