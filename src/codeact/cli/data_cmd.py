"""`codeact data generate|filter|export|stats`: CodeActInstruct-style training data.

Heavy modules are imported inside the commands, so `codeact --help` stays fast.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from codeact.types import Trajectory

app = typer.Typer(
    help="Training data: generate trajectories in five environments, filter, export, count.",
    no_args_is_help=True,
)
Source = Annotated[Path, typer.Argument(help="a generation folder or a trajectory JSONL")]


@app.command()
def generate(
    env: Annotated[str, typer.Option(help="comma-separated: search,math,code,table,household")],
    teacher: Annotated[
        str, typer.Option(help="'expert' (scripted, offline) or an LLM spec")
    ] = "expert",
    split: Annotated[str, typer.Option(help="train or test")] = "train",
    n: Annotated[
        int | None, typer.Option("--n", help="the first N tasks of each environment")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="generation folder")] = Path("runs/data"),
    fallback_teacher: Annotated[
        str | None, typer.Option(help="an LLM spec rerun on the tasks the teacher did not solve")
    ] = None,
    data: Annotated[
        list[str], typer.Option("--data", help="ENV=PATH: the real data set for an environment")
    ] = [],  # noqa: B006 (typer reads defaults, never mutates them)
    seeds: Annotated[int, typer.Option(help="episodes per task")] = 1,
    max_turns: Annotated[int, typer.Option(help="turns per episode (the paper: 5)")] = 5,
    max_solutions: Annotated[
        int, typer.Option(help="proposed solutions per episode (the paper: 2)")
    ] = 2,
    countdown: Annotated[
        bool, typer.Option(help="tell the model the turns and solutions left")
    ] = True,
    temperature: Annotated[float, typer.Option(help="the teacher's sampling temperature")] = 0.0,
    max_tokens: Annotated[int, typer.Option(help="per teacher reply")] = 1024,
    mistakes: Annotated[
        float, typer.Option(help="expert only: share of runs that err first, then recover")
    ] = 0.5,
    workers: Annotated[int, typer.Option(help="parallel episodes")] = 2,
    engine: Annotated[str, typer.Option(help="process, serial or ray")] = "process",
    kernel: Annotated[str, typer.Option(help="sandbox (default), local, gateway")] = "sandbox",
    base_url: Annotated[
        str | None, typer.Option(envvar="OPENAI_BASE_URL", help="OpenAI-compatible server URL")
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(envvar="OPENAI_API_KEY", help="API key for the server")
    ] = None,
) -> None:
    """Run a teacher over environments' tasks; resumable: rerun the same command to finish."""
    from rich.text import Text

    from codeact.bench.runner import pending, run_grid
    from codeact.cli.bench_cmd import _progress
    from codeact.cli.common import console, friendly_errors
    from codeact.cli.terminal import printable
    from codeact.data.generate import GenerateConfig, fallback_grids, grids, todo

    with friendly_errors():
        config = GenerateConfig(
            envs=[e.strip() for e in env.split(",") if e.strip()], teacher=teacher, out=out, split=split,
            n=n, seeds=seeds, fallback_teacher=fallback_teacher, data=_pairs(data),
            max_turns=max_turns, max_solutions=max_solutions, countdown=countdown,
            temperature=temperature, max_tokens=max_tokens, mistakes=mistakes, workers=workers,
            engine=engine, kernel=kernel, base_url=base_url, api_key=api_key,
        )  # fmt: skip
        started = time.perf_counter()
        errors: list[str] = []
        console.print(f"[bold]data[/]: {todo(config)} episodes to run ({out / 'results.jsonl'})")
        with _progress() as bar:
            for phase, planned in (("teacher", grids), ("fallback", fallback_grids)):
                if phase == "fallback" and not fallback_teacher:
                    break
                for grid in planned(config):
                    bar_task = bar.add_task(grid.suite, total=pending(grid), ok=0)
                    run_grid(grid, _advance(bar, bar_task, errors))
    console.print(f"[dim]finished in {time.perf_counter() - started:.1f} s[/]")
    if errors:
        console.print(
            f"[red]{len(errors)} episodes failed to run[/] (rerun the command to retry them):"
        )
        for line in errors[:10]:  # row errors quote the teacher's and kernel's text
            console.print(Text(f"  {printable(line)}"))
        raise typer.Exit(1)


@app.command("filter")
def filter_cmd(
    source: Source,
    out: Annotated[Path, typer.Option("--out", "-o", help="the kept trajectories (JSONL)")],
    eval_file: Annotated[
        list[Path],
        typer.Option("--eval-file", help="more prompts to decontaminate against (JSONL or text)"),
    ] = [],  # noqa: B006
    min_turns: Annotated[int, typer.Option(help="drop runs with fewer turns")] = 3,
    threshold: Annotated[
        float, typer.Option(help="near-duplicate Jaccard threshold (MinHash)")
    ] = 0.85,
    ngram: Annotated[int, typer.Option(help="decontamination n-gram length, in words")] = 13,
    benchmarks: Annotated[
        bool, typer.Option(help="decontaminate against the built-in benchmarks")
    ] = True,
) -> None:
    """Keep successful, informative, unique, uncontaminated trajectories; report each rule."""
    from codeact.cli.common import console, friendly_errors
    from codeact.data.dataset import read_trajectories, write_trajectories
    from codeact.data.filter import FilterConfig, filter_trajectories

    with friendly_errors():
        trajectories = read_trajectories(source)
        config = FilterConfig(
            min_turns, threshold, ngram, eval_files=list(eval_file), benchmarks=benchmarks
        )
        kept, report = filter_trajectories(trajectories, config)
        write_trajectories(out, kept)
        report_path = out.with_name(out.stem + ".report.json")
        report_path.write_text(json.dumps(report.to_dict(), indent=1))
    console.print(f"[bold]{report.total}[/] trajectories in, [bold green]{report.kept}[/] kept")
    for rule, count in report.removed.items():
        console.print(f"  {rule:<16} removed {count}")
    console.print(f"[dim]wrote {out} and {report_path}[/]")


@app.command()
def export(
    source: Source,
    out: Annotated[Path, typer.Option("--out", "-o", help="export folder (must not exist)")],
    fmt: Annotated[
        str, typer.Option("--format", help="comma-separated: messages, sharegpt, hf; or all")
    ] = "messages",
    mix: Annotated[
        list[Path],
        typer.Option(
            "--mix",
            help="general conversations to mix in: messages/ShareGPT JSONL, a saved HF dataset, or 'sample'",
        ),
    ] = [],  # noqa: B006
    mix_ratio: Annotated[float, typer.Option(help="general rows per trajectory row")] = 1.0,
    seed: Annotated[int, typer.Option(help="seed for mixing and shuffling")] = 0,
    overwrite: Annotated[bool, typer.Option(help="replace an existing export folder")] = False,
) -> None:
    """Write training rows: OpenAI messages JSONL (default), ShareGPT, a Hugging Face dataset."""
    from codeact.cli.common import console, friendly_errors
    from codeact.data.dataset import read_trajectories
    from codeact.data.export import FORMATS, ExportConfig
    from codeact.data.export import export as run_export

    with friendly_errors():
        formats = (
            list(FORMATS) if fmt == "all" else [f.strip() for f in fmt.split(",") if f.strip()]
        )
        config = ExportConfig(out, formats, list(mix), mix_ratio, seed, overwrite)  # checks first
        manifest = run_export(read_trajectories(source), config)
    console.print(
        f"exported [bold]{manifest['rows']}[/] rows ({manifest['trajectories']} trajectories, "
        f"{manifest['general']} general) to {out}: {', '.join(manifest['files'])}"
    )


@app.command()
def stats(
    source: Source,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="write stats.md, stats.csv, stats.png here")
    ] = None,
    tokenizer: Annotated[
        str,
        typer.Option(
            help="'embedded' (SmolLM2), a tokenizer.json, or a Hugging Face tokenizer name"
        ),
    ] = "embedded",
) -> None:
    """The paper's data table: instances and tokens per environment, turns, recovered errors."""
    from codeact.cli.common import console, friendly_errors
    from codeact.data import stats as data_stats
    from codeact.data.dataset import read_trajectories

    with friendly_errors():
        trajectories: list[Trajectory] = read_trajectories(source)
        rows = data_stats.compute(trajectories, data_stats.get_tokenizer(tokenizer))
        if not rows:
            console.print("[yellow]no trajectories[/]")
            raise typer.Exit(1)
        typer.echo(data_stats.markdown(rows))
        if out is not None:
            paths = data_stats.write(rows, out)
            console.print(f"[dim]wrote {', '.join(str(p) for p in paths.values())}[/]")


def _pairs(values: list[str]) -> dict[str, Path]:
    from codeact.errors import ConfigError

    pairs = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise ConfigError(f"--data {value!r}: write ENV=PATH")
        pairs[name] = Path(path)
    return pairs


def _advance(bar: Any, task: Any, errors: list[str]) -> Any:
    wins = 0

    def on_row(row: dict[str, Any]) -> None:
        nonlocal wins
        wins += bool(row.get("success"))
        if row.get("error"):
            errors.append(f"{row['task']} ({row['model']}): {row['error']}")
        bar.update(task, advance=1, ok=wins)

    return on_row
