"""Trajectories as Jupyter notebooks: `codeact export run.json --to ipynb`, opened and re-run."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient
from typer.testing import CliRunner

from codeact.agent import Agent
from codeact.cli.main import app
from codeact.kernels.jupyter import JupyterKernel
from codeact.llms.scripted import ScriptedLLM

REPLIES = [
    "First some numbers.\n<execute>\nnumbers = [2, 3, 5]\nprint(sum(numbers))\n</execute>",
    "<execute>\n1 / 0\n</execute>",
    "A plot.\n<execute>\nimport matplotlib.pyplot as plt\nplt.plot(numbers)\nplt.show()\n</execute>",
    "I am done.\n<solution>10</solution>",
]


def _saved_run(tmp_path: Path) -> tuple[Path, Path]:
    workspace = tmp_path / "work"
    with JupyterKernel(workspace, timeout=30) as kernel:
        agent = Agent(ScriptedLLM(REPLIES), kernel)
        agent.run("Sum the primes below 7, then plot them.")
        saved = agent.trajectory.save(tmp_path / "run.json")
    return saved, workspace


def test_export_makes_a_notebook_that_opens_and_reruns(tmp_path: Path) -> None:
    saved, workspace = _saved_run(tmp_path)
    result = CliRunner().invoke(
        app, ["export", str(saved), "--to", "ipynb", "--workspace", str(workspace)]
    )
    assert result.exit_code == 0, result.output
    notebook = nbformat.read(tmp_path / "run.ipynb", as_version=4)
    nbformat.validate(notebook)
    kinds = [(c.cell_type, c.source.splitlines()[0]) for c in notebook.cells]
    assert kinds == [
        ("markdown", "**User:** Sum the primes below 7, then plot them."),
        ("markdown", "First some numbers."),
        ("code", "numbers = [2, 3, 5]"),
        ("code", "1 / 0"),
        ("markdown", "A plot."),
        ("code", "import matplotlib.pyplot as plt"),
        ("markdown", "I am done."),
        ("markdown", "**Answer:** 10"),
    ]
    summed, failed, plotted = (c for c in notebook.cells if c.cell_type == "code")
    assert summed.outputs[0].text.strip() == "10"
    assert (
        failed.outputs[-1].output_type == "error"
        and failed.outputs[-1].ename == "ZeroDivisionError"
    )
    assert failed.metadata["tags"] == ["raises-exception"]
    assert plotted.outputs[0].data["image/png"]

    NotebookClient(notebook, timeout=60, resources={"metadata": {"path": str(workspace)}}).execute()
    summed, failed, plotted = (c for c in notebook.cells if c.cell_type == "code")
    assert summed.outputs[0].text.strip() == "10"  # it re-ran, past the cell that raised
    assert any("image/png" in o.get("data", {}) for o in plotted.outputs)


def test_export_without_the_workspace_says_where_images_were(tmp_path: Path) -> None:
    saved, _ = _saved_run(tmp_path)
    out = tmp_path / "elsewhere" / "nb.ipynb"
    assert CliRunner().invoke(app, ["export", str(saved), "-o", str(out)]).exit_code == 0
    plotted = [c for c in nbformat.read(out, as_version=4).cells if c.cell_type == "code"][-1]
    assert "not found next to the trajectory" in plotted.outputs[0].data["text/plain"]


def test_export_of_a_bad_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = CliRunner().invoke(app, ["export", str(bad)])
    assert result.exit_code == 2 and "cannot read the trajectory" in result.output
    assert "Traceback" not in result.output
    wrong = CliRunner().invoke(app, ["export", str(bad), "--to", "pdf"])
    assert wrong.exit_code == 2 and "unknown export format 'pdf'" in wrong.output
