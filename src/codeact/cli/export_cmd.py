"""`codeact export run.json --to ipynb`: a saved trajectory as a Jupyter notebook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def export(
    trajectory: Annotated[Path, typer.Argument(help="a trajectory JSON (codeact run --output)")],
    to: Annotated[str, typer.Option("--to", help="output format: ipynb")] = "ipynb",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="default: next to the input")
    ] = None,
    workspace: Annotated[
        Path | None, typer.Option("--workspace", help="the run's working folder, for its images")
    ] = None,
) -> None:
    """Turn a saved trajectory into a notebook: markdown for the model's words, code cells with outputs."""
    from codeact.cli.common import console, friendly_errors
    from codeact.errors import ConfigError
    from codeact.server.notebook import trajectory_notebook, write_notebook
    from codeact.types import Trajectory

    with friendly_errors():
        if to != "ipynb":
            raise ConfigError(f"unknown export format {to!r}; choose ipynb")
        try:
            run = Trajectory.load(trajectory)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"cannot read the trajectory {trajectory}: {exc}") from exc
        path = write_notebook(
            trajectory_notebook(run, workspace), output or trajectory.with_suffix(".ipynb")
        )
    console.print(f"wrote {path}")
