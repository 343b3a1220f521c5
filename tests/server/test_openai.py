"""The official `openai` SDK, pointed at the server, uses the agent as a model."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import pytest
from server_harness import Server, code, running_server, test_config


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(test_config(tmp_path_factory.mktemp("openai")), users=("dave",)) as running:
        yield running


@pytest.fixture
def client(server: Server) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key=server.tokens["dave"], max_retries=0)


def test_models_lists_the_agent(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["codeact"]


def test_a_chat_and_a_follow_up_that_keeps_the_state(client: openai.OpenAI) -> None:
    first = code("x = 20\nprint(x + 1)", text="Add one.")
    raw = client.chat.completions.with_raw_response.create(
        model="codeact", messages=[{"role": "user", "content": first}]
    )
    cid = raw.headers["x-codeact-conversation"]
    reply = raw.parse().choices[0].message.content or ""
    assert "```python\nx = 20\nprint(x + 1)\n```" in reply and "```text\n21\n```" in reply
    assert raw.parse().usage is not None and raw.parse().usage.total_tokens > 0

    history = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": reply},
        {"role": "user", "content": code("print(x * 2)")},
    ]
    raw = client.chat.completions.with_raw_response.create(model="codeact", messages=history)  # type: ignore[arg-type]
    assert raw.headers["x-codeact-conversation"] == cid  # found by its history
    assert "40" in (raw.parse().choices[0].message.content or "")


def test_a_streamed_chat_and_a_streamed_follow_up(client: openai.OpenAI) -> None:
    first = code("import matplotlib.pyplot as plt\nplt.plot([3, 1, 2])\nplt.show()", "y = 7")
    reply = _streamed(client, [{"role": "user", "content": first}])
    assert "data:image/png;base64," in reply  # the plot, inline
    follow_up = [
        {"role": "user", "content": first},
        {"role": "assistant", "content": reply},
        {"role": "user", "content": code("print(y * 6)")},
    ]
    assert "42" in _streamed(client, follow_up)


def test_the_user_field_and_the_header_pick_a_conversation(client: openai.OpenAI) -> None:
    client.chat.completions.create(
        model="codeact", user="erin", messages=[{"role": "user", "content": code("z = 5")}]
    )
    again = client.chat.completions.create(
        model="codeact", user="erin", messages=[{"role": "user", "content": code("print(z + 1)")}]
    )
    assert "6" in (again.choices[0].message.content or "")
    raw = client.chat.completions.with_raw_response.create(
        model="codeact", user="erin", messages=[{"role": "user", "content": "hi"}]
    )
    cid = raw.headers["x-codeact-conversation"]
    by_header = client.chat.completions.create(
        model="codeact",
        messages=[{"role": "user", "content": code("print(z * 10)")}],
        extra_headers={"X-Codeact-Conversation": cid},
    )
    assert "50" in (by_header.choices[0].message.content or "")
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(
            model="codeact", messages=[{"role": "user", "content": "hi"}],
            extra_headers={"X-Codeact-Conversation": "c_unknown"},
        )  # fmt: skip


def test_a_wrong_key_and_a_bad_request_are_refused(server: Server, client: openai.OpenAI) -> None:
    stranger = openai.OpenAI(base_url=f"{server.url}/v1", api_key="ca_wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        stranger.chat.completions.create(
            model="codeact", messages=[{"role": "user", "content": "hi"}]
        )
    with pytest.raises(openai.BadRequestError, match="last message must be a user message"):
        client.chat.completions.create(
            model="codeact", messages=[{"role": "assistant", "content": "hi"}]
        )


def _streamed(client: openai.OpenAI, messages: list[dict[str, str]]) -> str:
    stream = client.chat.completions.create(model="codeact", messages=messages, stream=True)  # type: ignore[call-overload]
    return "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
