"""A trajectory as a Jupyter notebook (nbformat): the model's words as markdown cells, its code as
code cells with their outputs and images. Serves the server's export and `codeact export`.

The notebook re-runs top to bottom in a Python kernel started in the workspace; a cell that
failed in the run is tagged `raises-exception`, so "run all" carries on past it as the agent did.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from codeact.errors import MissingDependency
from codeact.server.render import read_image, thought_of
from codeact.types import CodeAction, Finish, Observation, Step, Trajectory

OBSERVATION_PREFIX = "Observation:"


def trajectory_notebook(trajectory: Trajectory, workspace: Path | None = None) -> Any:
    """The notebook (an nbformat NotebookNode, validated). `workspace` is where images are."""
    nbf = _nbformat()
    cells: list[Any] = []
    steps = iter(trajectory.steps)
    last_step: Step | None = None
    count = 0
    for message in trajectory.messages:
        if message.role == "system":
            continue
        if message.role == "user":
            cell = _user_cell(nbf, message.content, last_step)
            if cell is not None:
                cells.append(cell)
            continue
        last_step = next(steps, None)
        action = last_step.action if last_step else None
        thought = thought_of(message.content) if action else message.content.strip()
        if thought:
            cells.append(nbf.v4.new_markdown_cell(thought))
        if isinstance(action, CodeAction):
            count += 1
            cells.append(_code_cell(nbf, action.code, last_step, count, workspace))
        elif isinstance(action, Finish):
            cells.append(nbf.v4.new_markdown_cell(f"**Answer:** {action.answer}"))
    notebook = nbf.v4.new_notebook(cells=cells, metadata=_metadata(trajectory))
    nbf.validate(notebook)
    return notebook


def write_notebook(notebook: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    _nbformat().write(notebook, str(path))
    return path


def notebook_json(notebook: Any) -> str:
    text: str = _nbformat().writes(notebook)
    return text


def _user_cell(nbf: Any, content: str, last_step: Step | None) -> Any:
    """A user's task as markdown; an observation only when no code cell shows it already."""
    if not content.startswith(OBSERVATION_PREFIX):
        return nbf.v4.new_markdown_cell(f"**User:** {content}")
    if last_step is not None and isinstance(last_step.action, CodeAction):
        return None
    quoted = "\n".join(f"> {line}" for line in content.splitlines())
    return nbf.v4.new_markdown_cell(quoted)


def _code_cell(nbf: Any, code: str, step: Step | None, count: int, workspace: Path | None) -> Any:
    observation = step.observation if step else None
    outputs = _outputs(nbf, observation, count, workspace) if observation else []
    metadata = {"tags": ["raises-exception"]} if observation and observation.error else {}
    return nbf.v4.new_code_cell(code, outputs=outputs, execution_count=count, metadata=metadata)


def _outputs(nbf: Any, obs: Observation, count: int, workspace: Path | None) -> list[Any]:
    text = obs.output
    if obs.error is not None:  # the output holds the traceback too; it becomes an error output
        text = text.replace(obs.error.traceback + "\n", "").replace(obs.error.traceback, "")
    outputs = [nbf.v4.new_output("stream", name="stdout", text=text)] if text else []
    for path in obs.images:
        data = read_image(workspace, path)
        if data is None:
            shown = {"text/plain": f"[image {path}: not found next to the trajectory]"}
        else:
            shown = {"image/png": base64.b64encode(data).decode(), "text/plain": f"[{path}]"}
        outputs.append(nbf.v4.new_output("display_data", data=shown))
    if obs.error is not None:
        err = obs.error
        tb = err.traceback.splitlines()
        outputs.append(nbf.v4.new_output("error", ename=err.name, evalue=err.value, traceback=tb))
    for notice in obs.notices:
        outputs.append(nbf.v4.new_output("stream", name="stderr", text=f"[{notice}]\n"))
    return outputs


def _metadata(trajectory: Trajectory) -> dict[str, Any]:
    return {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "codeact": {**trajectory.meta, "status": trajectory.status, "answer": trajectory.answer},
    }


def _nbformat() -> Any:
    try:
        import nbformat
    except ImportError as exc:
        raise MissingDependency("nbformat", "server", "notebook export") from exc
    return nbformat
