"""Entry point: `codeact run`, `codeact chat`, `doctor`, `bench`, `serve`, `export`. Command modules
are imported on use. Errors are one line on stderr; the exit codes are listed in run_cmd.py and the
README."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from codeact.cli.options import KernelOptionsOpt, LlmOptionsOpt, kernel_options, llm_options

app = typer.Typer(
    name="codeact",
    help="LLM agents that act by writing and running Python.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # usage errors as plain lines on stderr, not boxes
)


def _show_version(value: bool) -> None:
    if value:
        from codeact import __version__

        typer.echo(f"codeact {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="print the version"),
    ] = False,
) -> None:
    """LLM agents that act by writing and running Python."""


LlmOpt = Annotated[
    str,
    typer.Option(
        "--llm",
        help="provider:model, e.g. local, local:/path/model.gguf, openai:gpt-4o, scripted:FILE.json,"
        " an entry point's name or an import path",
    ),
]
KernelOpt = Annotated[
    str,
    typer.Option(
        "--kernel",
        help="sandbox (default), local (unsandboxed), gateway, an entry point's name or an "
        "import path",
    ),
]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help="how the model writes actions: code (default), json, text, an entry point's name "
        "or an import path",
    ),
]
UnsandboxedOpt = Annotated[
    bool,
    typer.Option(
        "--allow-unsandboxed",
        help="the kernel option allow_unsandboxed=true: if bubblewrap is unusable, the sandbox "
        "kernel runs code in a plain process with rlimits only",
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="the LLM option base_url (openai: also read from OPENAI_BASE_URL)",
    ),
]
ApiKeyOpt = Annotated[
    str | None,
    typer.Option(
        "--api-key", help="the LLM option api_key (openai: also read from OPENAI_API_KEY)"
    ),
]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="seconds per code execution")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="save the trajectory JSON here")
]
WorkdirOpt = Annotated[
    Path | None,
    typer.Option(
        "--workdir",
        help="the agent's working folder, kept after exit (default: a new folder under ./runs/)",
    ),
]
EphemeralOpt = Annotated[
    bool, typer.Option("--ephemeral", help="use a temporary working folder, removed at exit")
]
PythonEnvOpt = Annotated[
    str | None,
    typer.Option(
        "--python-env",
        help="run the kernel with another Python environment (its folder or interpreter); "
        "the sandbox binds it read-only. It needs ipykernel.",
    ),
]
McpOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--mcp",
        help="an MCP server whose tools the agent gets: a command line ('npx -y SERVER') or an "
        "http(s):// URL (streamable HTTP); repeatable. It runs on the host, never in the sandbox",
    ),
]


@app.command()
def run(
    task: Annotated[str, typer.Argument(help="what the agent should do")],
    llm: LlmOpt = "local",
    kernel: KernelOpt = "sandbox",
    action_format: FormatOpt = "code",
    llm_opt: LlmOptionsOpt = None,
    kernel_opt: KernelOptionsOpt = None,
    max_turns: Annotated[int, typer.Option("--max-turns", help="LLM turns before giving up")] = 10,
    token_budget: Annotated[
        int | None, typer.Option("--token-budget", help="tokens for the whole run (all turns)")
    ] = None,
    max_seconds: Annotated[
        float | None, typer.Option("--max-seconds", help="wall-time budget of the run, seconds")
    ] = None,
    timeout: TimeoutOpt = 60.0,
    output: OutputOpt = None,
    workdir: WorkdirOpt = None,
    ephemeral: EphemeralOpt = False,
    require_solution: Annotated[
        bool,
        typer.Option(
            "--require-solution",
            help="only a final answer counts: a plain reply is nudged, and exits 1 at the end",
        ),
    ] = False,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    python_env: PythonEnvOpt = None,
    allow_unsandboxed: UnsandboxedOpt = False,
    mcp: McpOpt = None,
) -> None:
    """Solve TASK with the agent, showing each step live. Exit: 0 answered, 1 a limit, 2 bad
    input, 3 model backend failed, 4 kernel failed, 130 interrupted."""
    from codeact.cli.run_cmd import SessionOptions, run_task

    options = SessionOptions(
        llm, kernel, action_format, max_turns, timeout, output, workdir, ephemeral,
        llm_options(llm_opt, base_url, api_key),
        kernel_options(kernel_opt, python_env, allow_unsandboxed), mcp or [],
    )  # fmt: skip
    code = run_task(
        task,
        options,
        max_tokens=token_budget,
        max_seconds=max_seconds,
        require_solution=require_solution,
    )
    raise typer.Exit(code)


@app.command()
def chat(
    llm: LlmOpt = "local",
    kernel: KernelOpt = "sandbox",
    action_format: FormatOpt = "code",
    llm_opt: LlmOptionsOpt = None,
    kernel_opt: KernelOptionsOpt = None,
    max_turns: Annotated[int, typer.Option("--max-turns", help="LLM turns per message")] = 10,
    timeout: TimeoutOpt = 60.0,
    output: OutputOpt = None,
    workdir: WorkdirOpt = None,
    ephemeral: EphemeralOpt = False,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    python_env: PythonEnvOpt = None,
    allow_unsandboxed: UnsandboxedOpt = False,
    mcp: McpOpt = None,
) -> None:
    """Chat with the agent in the terminal; the kernel persists. Ctrl-C stops the model or the
    running code; /help lists the commands; Ctrl-D leaves."""
    from codeact.cli.chat_cmd import chat_loop
    from codeact.cli.run_cmd import SessionOptions

    options = SessionOptions(
        llm, kernel, action_format, max_turns, timeout, output, workdir, ephemeral,
        llm_options(llm_opt, base_url, api_key),
        kernel_options(kernel_opt, python_env, allow_unsandboxed), mcp or [],
    )  # fmt: skip
    chat_loop(options)


@app.command()
def doctor(
    min_tier: Annotated[
        str, typer.Option("--min-tier", help="fail unless at least this tier is available")
    ] = "namespaces",
    python_env: PythonEnvOpt = None,
    kernel: KernelOpt = "sandbox",
    kernel_opt: KernelOptionsOpt = None,
) -> None:
    """Show the isolation tier, each probe, and what a live kernel (the sandbox, or --kernel)
    declares and can import."""
    from codeact.cli.doctor_cmd import run_doctor

    raise typer.Exit(run_doctor(min_tier, kernel, kernel_options(kernel_opt, python_env)))


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
    formats: Annotated[
        str,
        typer.Option(
            "--formats",
            help="comma-separated: code, json, text (the paper's three), tools (the model "
            "server's native function calling), or formats of your own",
        ),
    ] = "code,json,text",
    protocol: Annotated[str, typer.Option(help="feedback (the paper's) or pass@1")] = "feedback",
    max_turns: Annotated[int, typer.Option("--max-turns")] = 10,
    seeds: Annotated[int, typer.Option(help="repetitions per task")] = 1,
    kernel: KernelOpt = "sandbox",
    workers: Annotated[int, typer.Option(help="parallel episodes")] = 2,
    engine: Annotated[str, typer.Option(help="process, serial or ray")] = "process",
    tasks: Annotated[
        list[str] | None,
        typer.Option("--task", help="only this task id or glob (e.g. 'travel-*'); repeatable"),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="only the first N tasks")] = None,
    per_domain: Annotated[
        int | None, typer.Option(help="only the first N tasks of each domain")
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="results folder")] = Path("runs/bench"),
    max_reply_tokens: Annotated[
        int,
        typer.Option("--max-reply-tokens", help="cap on the tokens of each LLM reply (max_tokens)"),
    ] = 512,
    llm_opt: LlmOptionsOpt = None,
    kernel_opt: KernelOptionsOpt = None,
    base_url: BaseUrlOpt = None,
    api_key: ApiKeyOpt = None,
    report: Annotated[bool, typer.Option(help="write the report when done")] = True,
    mcp: McpOpt = None,
) -> None:
    """Run the grid task x model x format; resumable (finished rows are skipped). Options go to
    every model (and every kernel) of the grid."""
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
            tasks=tasks or [],
            limit=limit,
            per_domain=per_domain,
            out=out,
            llm_options={"max_tokens": max_reply_tokens, **llm_options(llm_opt, base_url, api_key)},
            kernel_options=kernel_options(kernel_opt),
            report=report,
            mcp=mcp,
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


from codeact.cli import export_cmd, serve_cmd, train_cmd  # noqa: E402 (they import typer only)
from codeact.cli.data_cmd import app as data_app  # noqa: E402 (its commands import on use)

app.add_typer(serve_cmd.app, name="serve")
app.command("export")(export_cmd.export)
app.add_typer(data_app, name="data")
app.command("train")(train_cmd.train)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # Ctrl-C before a run began (while loading, say)
        sys.exit(130)
