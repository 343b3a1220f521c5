"""Entry point: `codeact run`, `codeact chat`. Command modules are imported on use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="codeact",
    help="LLM agents that act by writing and running Python.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

LlmOpt = Annotated[
    str,
    typer.Option(
        "--llm",
        help="provider:model, e.g. local, local:/path/model.gguf, openai:gpt-4o, scripted:FILE.json",
    ),
]
KernelOpt = Annotated[
    str,
    typer.Option(
        "--kernel", help="sandbox (default), local (unsandboxed), gateway, or an import path"
    ),
]
UnsandboxedOpt = Annotated[
    bool,
    typer.Option(
        "--allow-unsandboxed",
        help="if bubblewrap is unusable, run code in a plain process with rlimits only",
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", envvar="OPENAI_BASE_URL", help="OpenAI-compatible server URL"),
]
ApiKeyOpt = Annotated[
    str | None, typer.Option("--api-key", envvar="OPENAI_API_KEY", help="API key for the server")
]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="seconds per code execution")]


@app.command()
def run(
    task: Annotated[str, typer.Argument(help="what the agent should do")],
    llm: LlmOpt = "local",
    kernel: KernelOpt = "sandbox",
    max_turns: Annotated[int, typer.Option("--max-turns", help="LLM turns before giving up")] = 10,
    max_tokens: Annotated[int | None, typer.Option(help="token budget for the run")] = None,
    max_seconds: Annotated[float | None, typer.Option(help="wall-time budget, seconds")] = None,
    timeout: TimeoutOpt = 60.0,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="save the trajectory JSON")
    ] = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    allow_unsandboxed: UnsandboxedOpt = False,
) -> None:
    """Solve TASK with the agent, showing each step live."""
    from codeact.cli.run_cmd import run_task

    code = run_task(
        task,
        llm=llm,
        kernel=kernel,
        max_turns=max_turns,
        max_tokens=max_tokens,
        max_seconds=max_seconds,
        timeout=timeout,
        output=output,
        base_url=base_url,
        api_key=api_key,
        allow_unsandboxed=allow_unsandboxed,
    )
    raise typer.Exit(code)


@app.command()
def chat(
    llm: LlmOpt = "local",
    kernel: KernelOpt = "sandbox",
    max_turns: Annotated[int, typer.Option("--max-turns", help="LLM turns per message")] = 10,
    timeout: TimeoutOpt = 60.0,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="save the trajectory JSON")
    ] = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    allow_unsandboxed: UnsandboxedOpt = False,
) -> None:
    """Chat with the agent in the terminal; the kernel persists. Ctrl-C stops running code."""
    from codeact.cli.chat_cmd import chat_loop

    chat_loop(
        llm=llm,
        kernel=kernel,
        max_turns=max_turns,
        timeout=timeout,
        output=output,
        base_url=base_url,
        api_key=api_key,
        allow_unsandboxed=allow_unsandboxed,
    )


@app.command()
def doctor(
    min_tier: Annotated[
        str, typer.Option("--min-tier", help="fail unless at least this tier is available")
    ] = "namespaces",
) -> None:
    """Show the isolation tier this machine offers and what each probe found."""
    from codeact.cli.doctor_cmd import run_doctor

    raise typer.Exit(run_doctor(min_tier))


bench_app = typer.Typer(
    help="The paper's experiments: code vs JSON vs text actions on the same tools.",
    no_args_is_help=True,
)
app.add_typer(bench_app, name="bench")


@bench_app.command("run")
def bench_run(
    suite: Annotated[
        str,
        typer.Option(
            help="multiturn, atomic, a domain (travel, trade, dna, decoding, web), or an import path"
        ),
    ] = "multiturn",
    llm: Annotated[
        list[str],
        typer.Option(
            "--llm", help="provider:model; repeat for several; 'oracle' replays the references"
        ),
    ] = ["oracle"],  # noqa: B006 (typer reads defaults, never mutates them)
    formats: Annotated[str, typer.Option("--formats", help="comma-separated")] = "code,json,text",
    protocol: Annotated[str, typer.Option(help="feedback (the paper's) or pass@1")] = "feedback",
    max_turns: Annotated[int, typer.Option("--max-turns")] = 10,
    seeds: Annotated[int, typer.Option(help="repetitions per task")] = 1,
    kernel: KernelOpt = "sandbox",
    workers: Annotated[int, typer.Option(help="parallel episodes")] = 2,
    engine: Annotated[str, typer.Option(help="process, serial or ray")] = "process",
    limit: Annotated[int | None, typer.Option(help="only the first N tasks")] = None,
    per_domain: Annotated[
        int | None, typer.Option(help="only the first N tasks of each domain")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="results folder")] = Path("runs/bench"),
    max_tokens: Annotated[int, typer.Option(help="per LLM reply")] = 512,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    report: Annotated[bool, typer.Option(help="write the report when done")] = True,
) -> None:
    """Run the grid task x model x format; resumable (finished rows are skipped)."""
    from codeact.cli.bench_cmd import run_bench

    raise typer.Exit(
        run_bench(
            suite=suite,
            models=llm,
            formats=formats.split(","),
            protocol=protocol,
            max_turns=max_turns,
            seeds=seeds,
            kernel=kernel,
            workers=workers,
            engine=engine,
            limit=limit,
            per_domain=per_domain,
            out=out,
            max_tokens=max_tokens,
            base_url=base_url,
            api_key=api_key,
            report=report,
        )
    )


@bench_app.command("report")
def bench_report(
    results: Annotated[
        Path, typer.Argument(help="a results.jsonl, or the folder holding it")
    ] = Path("runs/bench"),
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="where to write the report")
    ] = None,
) -> None:
    """Print the paper-style table and write report.md, report.csv and report.png."""
    from codeact.cli.bench_cmd import show_report

    raise typer.Exit(show_report(results, out))


from codeact.cli.data_cmd import app as data_app  # noqa: E402 (its commands import on use)

app.add_typer(data_app, name="data")


def main() -> None:
    app()
