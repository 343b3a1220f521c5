"""The README's Python examples run as written, with the scripted LLM in place of the model.

The first one is the paper's showcase: iris with sklearn, in the real sandbox (the datascience
extra must be importable there), then a plot as a follow-up.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from codeact import CodeAction
from codeact.errors import ConfigError

README = Path(__file__).resolve().parents[1] / "README.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", README.read_text(), re.DOTALL)
IRIS = [
    "<execute>\nfrom sklearn.datasets import load_iris\nimport pandas as pd\n"
    "iris = load_iris(as_frame=True)\ndf = iris.frame\n"
    "df['species'] = iris.target_names[iris.target]\n"
    "print(df.groupby('species')['petal length (cm)'].mean().round(3).to_dict())\n</execute>",
    "<solution>setosa 1.462, versicolor 4.26, virginica 5.552</solution>",
    "<execute>\nimport matplotlib.pyplot as plt\nimport seaborn as sns, scipy, statsmodels, sympy\n"
    "sns.barplot(data=df, x='species', y='petal length (cm)')\nplt.savefig('petal.png')\n"
    "plt.show()\n</execute>",
    "<solution>plotted to petal.png</solution>",
]


def _run_example(code: str, replies: list[str], tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "replies.json"
    path.write_text(json.dumps(replies))
    code = code.replace('llm="openai:gpt-4o"', f'llm="scripted:{path}"')
    assert f"scripted:{path}" in code  # the example names the model the text says it does
    namespace: dict[str, Any] = {}
    exec(compile(code, str(README), "exec"), namespace)
    return namespace


def test_the_first_example_runs_in_the_sandbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ns = _run_example(EXAMPLES[0], IRIS, tmp_path)
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "finished setosa 1.462, versicolor 4.26, virginica 5.552",
        "finished plotted to petal.png",
    ]
    result, follow_up = ns["result"], ns["follow_up"]
    assert isinstance(result.steps[0].action, CodeAction) and result.turns == 2
    first = result.steps[0].observation
    assert first.error is None, first.output
    assert "'setosa': 1.462" in first.output and "'virginica': 5.552" in first.output
    plot = follow_up.steps[0].observation
    assert plot.error is None and plot.images, plot.output  # the libraries import, the plot shows
    assert ns["agent"].kernel.name == "sandbox"


def test_the_tool_example_runs(tmp_path: Path) -> None:
    ns = _run_example(EXAMPLES[1], [], tmp_path)
    assert ns["agent"].tools[0].name == "exchange_rate" and ns["exchange_rate"]("EUR", "USD") == 1.1


def test_without_a_key_the_first_example_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="needs an API key: set OPENAI_API_KEY"):
        exec(EXAMPLES[0], {})
