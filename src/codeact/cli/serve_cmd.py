"""`codeact serve`: the chat service; `codeact serve token create NAME`: a bearer token.

Only typer is imported here; the server's libraries load when a command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from codeact.cli.options import KernelOptionsOpt, LlmOptionsOpt, kernel_options, llm_options

app = typer.Typer(
    help="Serve the agent: REST + SSE API, OpenAI-compatible endpoint, one sandboxed kernel per conversation."
)
token_app = typer.Typer(help="Bearer tokens for the server.", no_args_is_help=True)
app.add_typer(token_app, name="token")

DataDirOpt = Annotated[
    Path, typer.Option("--data-dir", help="the SQLite database and the conversations' workspaces")
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="CODEACT_DB", help="SQLAlchemy URL, e.g. postgresql+psycopg://u:p@host/db"
    ),
]
DEFAULT_DATA = Path.home() / ".codeact" / "serve"


@app.callback(invoke_without_command=True)
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    llm: Annotated[str, typer.Option(help="provider:model (see `codeact run --help`)")] = "local",
    extra_llm: Annotated[
        list[str] | None,
        typer.Option("--extra-llm", help="another model a conversation may pick (repeatable)"),
    ] = None,
    llm_opt: LlmOptionsOpt = None,
    db: DbOpt = None,
    kernel: Annotated[str, typer.Option(help="sandbox (default), local, gateway")] = "sandbox",
    kernel_opt: KernelOptionsOpt = None,
    data_dir: DataDirOpt = DEFAULT_DATA,
    auth: Annotated[str, typer.Option(help="auto (tokens if any exist), token, none")] = "auto",
    allow_no_auth: Annotated[
        bool, typer.Option("--allow-no-auth", help="listen beyond loopback without auth anyway")
    ] = False,
    pool_size: Annotated[int, typer.Option(help="warm kernels kept ready")] = 2,
    max_kernels: Annotated[int, typer.Option(help="live kernels at most")] = 20,
    max_running: Annotated[int, typer.Option(help="turns running at once at most")] = 8,
    max_running_per_user: Annotated[int, typer.Option(help="running turns per user")] = 4,
    max_kernels_per_user: Annotated[int, typer.Option(help="live kernels per user")] = 8,
    idle_timeout: Annotated[
        float, typer.Option(help="seconds before an idle kernel stops")
    ] = 900.0,
    max_turns: Annotated[int, typer.Option(help="LLM turns per message")] = 10,
    timeout: Annotated[float, typer.Option(help="seconds per code execution")] = 60.0,
    shutdown_grace: Annotated[
        float, typer.Option(help="seconds running turns get to finish on shutdown")
    ] = 20.0,
    replay: Annotated[
        bool, typer.Option("--replay", help="rebuild a restarted kernel by replaying its cells")
    ] = False,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url", help="the LLM option base_url (openai: also read from OPENAI_BASE_URL)"
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key", help="the LLM option api_key (openai: also read from OPENAI_API_KEY)"
        ),
    ] = None,
    allow_unsandboxed: Annotated[
        bool,
        typer.Option(
            "--allow-unsandboxed",
            help="the kernel option allow_unsandboxed=true: if bubblewrap is unusable, use "
            "rlimits only",
        ),
    ] = False,
) -> None:
    """Serve the agent over HTTP (Ctrl-C stops it gracefully)."""
    if ctx.invoked_subcommand is not None:
        return
    from codeact.cli.common import friendly_errors
    from codeact.server.config import Limits, ServerConfig

    limits = Limits(
        max_kernels=max_kernels, max_running=max_running, max_running_per_user=max_running_per_user,
        max_kernels_per_user=max_kernels_per_user, idle_timeout=idle_timeout, max_turns=max_turns,
        exec_timeout=timeout, shutdown_grace=shutdown_grace,
    )  # fmt: skip
    config = ServerConfig(
        host=host, port=port, llm=llm, llm_options=llm_options(llm_opt, base_url, api_key),
        extra_llms=extra_llm or [],
        kernel=kernel, kernel_options=kernel_options(kernel_opt, allow_unsandboxed=allow_unsandboxed),
        data_dir=data_dir, db=db, pool_size=pool_size, replay=replay, auth=auth,
        allow_no_auth=allow_no_auth, limits=limits,
    )  # fmt: skip
    with friendly_errors():
        _run(config)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="the user the token is for (made if new)")],
    data_dir: DataDirOpt = DEFAULT_DATA,
    db: DbOpt = None,
) -> None:
    """Make a bearer token for user NAME and print it (only its hash is stored)."""
    from codeact.cli.common import friendly_errors
    from codeact.server.config import ServerConfig
    from codeact.server.store import Store

    with friendly_errors():
        store = Store(ServerConfig(data_dir=data_dir, db=db).db_url)
        token = store.create_token(name)
        store.close()
    typer.echo(token)
    typer.echo(
        f"token for {name!r}: send it as 'Authorization: Bearer TOKEN'; it is shown only once",
        err=True,
    )


def _run(config: Any) -> None:
    import uvicorn
    from rich.text import Text

    from codeact.cli.common import console, errors
    from codeact.kernels import get_kernel
    from codeact.kernels.isolation import unsandboxed_warning
    from codeact.server.app import create_app

    with console.status(f"loading {config.llm} and starting the {config.kernel} kernel pool…"):
        app = create_app(config)
    auth = "bearer tokens" if app.state.service.auth.required else "none (loopback only)"
    console.print(
        f"[bold]codeact serve[/] · http://{config.host}:{config.port} · {config.llm} · "
        f"{config.kernel} kernels · {config.db_url.split('://')[0]} · auth: {auth}"
    )
    probe = get_kernel(config.kernel, **config.kernel_options)  # built, not started: its tier
    warning = unsandboxed_warning(probe)
    probe.shutdown()
    if warning:
        errors.print(Text(f"warning: {warning}", style="yellow"))
    uvicorn.run(
        app, host=config.host, port=config.port, log_level="warning", timeout_graceful_shutdown=3
    )
