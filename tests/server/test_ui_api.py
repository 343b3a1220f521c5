"""What the API gained for the web UI: the page's view of events (server-rendered, safe HTML),
title search, per-conversation settings, and security headers. A real server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2 as httpx
import pytest
from server_harness import (
    Server,
    code,
    new_conversation,
    of_type,
    read_events,
    running_server,
    test_config,
    turn,
)

from codeact.llms.scripted import ScriptedLLM, runs_task_code
from codeact.server.markup import highlight_code, render_markdown


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    config = test_config(tmp_path_factory.mktemp("ui-api"), max_turns=5)
    other = ScriptedLLM(runs_task_code, name="other")
    with running_server(config, users=("alice", "bob"), choices={"other": other}) as running:
        yield running


@pytest.fixture
def alice(server: Server) -> Iterator[httpx.Client]:
    with server.client("alice") as client:
        yield client


def test_markdown_is_rendered_without_raw_html_unsafe_links_or_outside_images() -> None:
    html = render_markdown(
        "**hi** <script>alert(1)</script> <img src=x onerror=alert(1)> "
        "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,x) [ok](https://a.b)"
        " ![plot](outputs/my%20plot.png) ![far](https://evil.example/x.png) ![up](../etc/passwd)"
    )
    assert "<strong>hi</strong>" in html
    assert "<script" not in html and "<img src" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<a ") == 1
    assert '<a href="https://a.b" target="_blank" rel="noopener noreferrer nofollow">ok</a>' in html
    assert '<img data-workspace="outputs/my plot.png" alt="plot">' in html
    assert "[image: far]" in html and "[image: up]" in html and "evil.example" not in html


def test_code_is_highlighted_and_escaped() -> None:
    html = highlight_code("x = '<b>'  # </code>")
    assert '<span class="n">x</span>' in html and "&lt;b&gt;" in html and "&lt;/code&gt;" in html
    fenced = render_markdown("```python\nprint('<i>')\n```\n\n```nosuchlanguage\n<i>\n```")
    assert '<pre class="hl"><code><span class="nb">print</span>' in fenced
    assert "<i>" not in fenced


def test_the_ui_view_of_a_conversation(alice: httpx.Client) -> None:
    cid = new_conversation(alice, "t")
    turn(alice, cid, code("print('<b>out</b>')", "1 / 0"))
    view = alice.get(f"/api/conversations/{cid}/events", params={"view": "ui"}).json()["events"]
    stored = alice.get(f"/api/conversations/{cid}/events").json()["events"]
    kinds = {e["data"].get("kind") for e in view if e["type"] == "message"}
    assert kinds == {"assistant"}  # the prompt, the task and observations are left out
    left_out = [e for e in stored if e["id"] not in {v["id"] for v in view}]
    assert {e["data"]["kind"] for e in left_out} == {"system", "task", "observation"}
    first_code = of_type(view, "code")[0]
    assert first_code["code"] == "print('<b>out</b>')"
    assert first_code["html"].startswith('<span class="nb">print</span>')
    steps = of_type(view, "step")
    assert steps[0]["output"].strip() == "<b>out</b>" and steps[0]["error"] is None
    assert steps[1]["error"]["name"] == "ZeroDivisionError" and "traceback" not in steps[1]["error"]
    assert "\x1b[" not in steps[1]["output"] and "ZeroDivisionError" in steps[1]["output"]
    assert steps[0]["action"] == "CodeAction" and steps[2]["action"] == "Finish"
    assert [m["html"] for m in of_type(view, "message")][:1] == ["<p>Step 1.</p>\n"]
    [run] = of_type(view, "run")
    assert (
        run["status"] == "finished" and "<p>ZeroDivisionError: division by zero</p>" in run["html"]
    )

    reply = turn(alice, cid, "hello <b>there</b>")
    view = alice.get(
        f"/api/conversations/{cid}/events", params={"view": "ui", "after": reply[0]["id"] - 1}
    ).json()["events"]
    # a plain reply is shown once, as the answer
    assert [m["html"] for m in of_type(view, "message")] == [""]
    assert of_type(view, "run")[0]["html"] == "<p>You said: hello &lt;b&gt;there&lt;/b&gt;</p>\n"
    # the stream gives the same view
    streamed = read_events(alice, cid, after=reply[0]["id"] - 1, view="ui")
    assert [e for e in streamed if e.get("id") is not None] == [
        {k: e[k] for k in ("id", "type", "data")} for e in view
    ]
    assert alice.get(f"/api/conversations/{cid}/events", params={"view": "html"}).status_code == 422


def test_search_conversations_by_title(alice: httpx.Client) -> None:
    for title in ("Revenue 100% done", "revenue draft", "Churn_model", "Churn model"):
        new_conversation(alice, title)

    def found(q: str) -> list[str]:
        got = alice.get("/api/conversations", params={"q": q}).json()["conversations"]
        return sorted(c["title"] for c in got)

    assert found("REVENUE") == ["Revenue 100% done", "revenue draft"]
    assert found("100%") == ["Revenue 100% done"]  # % and _ are literal
    assert found("%") == ["Revenue 100% done"]
    assert found("churn_") == ["Churn_model"]
    assert found("nothing like it") == []
    with httpx.Client(base_url=alice.base_url, headers={}) as anonymous:
        assert anonymous.get("/api/conversations", params={"q": "Revenue"}).status_code == 401


def test_settings_choose_the_model_and_turn_limit_within_what_the_server_allows(
    alice: httpx.Client, server: Server
) -> None:
    assert alice.get("/api/settings").json() == {
        "llms": ["scripted", "other"],
        "llm": "scripted",
        "max_turns": 5,
    }
    cid = new_conversation(alice, "t")
    url = f"/api/conversations/{cid}"
    changed = alice.patch(url, json={"settings": {"llm": "other", "max_turns": 1}})
    assert changed.status_code == 200
    assert changed.json()["meta"]["settings"] == {"llm": "other", "max_turns": 1}
    assert changed.json()["title"] == "t"
    events = turn(alice, cid, code("print(1)", "print(2)"))
    assert of_type(events, "run")[-1]["status"] == "max_turns"
    assert [s["completion"]["model"] for s in of_type(events, "step")] == ["other"]
    # a rename keeps the settings; settings merge
    alice.patch(url, json={"title": "renamed"})
    merged = alice.patch(url, json={"settings": {"max_turns": 2}}).json()
    assert merged["title"] == "renamed"
    assert merged["meta"]["settings"] == {"llm": "other", "max_turns": 2}
    for body, message in (
        ({"settings": {"llm": "gpt-5"}}, "settings.llm: 'gpt-5' is not offered here"),
        ({"settings": {"max_turns": 6}}, "settings.max_turns: between 1 and 5"),
        ({"settings": {"max_turns": 0}}, "settings.max_turns"),
        ({}, "give a title, settings or both"),
    ):
        refused = alice.patch(url, json=body)
        assert refused.status_code == 422 and message in refused.json()["error"]["message"]
    assert alice.get(url).json()["meta"]["settings"] == {"llm": "other", "max_turns": 2}
    with server.client("bob") as bob:
        assert bob.patch(url, json={"settings": {"max_turns": 1}}).status_code == 404


def test_security_headers_everywhere_and_downloads_keep_their_sandbox(
    alice: httpx.Client,
) -> None:
    cid = new_conversation(alice, "t")
    turn(alice, cid, code(
        "open('page.html', 'w').write('<script>alert(1)</script>')\n"
        "open('pic.svg', 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>')"
    ))  # fmt: skip
    for path in (
        "/",
        "/index.html",
        "/app.js",
        "/api/health",
        f"/api/conversations/{cid}",
        "/nope",
    ):
        headers = alice.get(path).headers
        policy = headers["content-security-policy"]
        assert policy.startswith("default-src 'none'; script-src 'self'; style-src 'self'"), path
        assert "frame-ancestors 'none'" in policy and "require-trusted-types-for 'script'" in policy
        assert "unsafe" not in policy and "http" not in policy and "*" not in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    for name in ("page.html", "pic.svg"):  # what the code wrote is a download, never a page
        got = alice.get(f"/api/conversations/{cid}/files/{name}")
        assert got.headers["content-security-policy"] == "sandbox"
        assert got.headers["content-type"] == "application/octet-stream"
        assert got.headers["content-disposition"].startswith("attachment")
        assert got.headers["x-content-type-options"] == "nosniff"
    assert alice.get("/").headers["content-type"].startswith("text/html")
    assert alice.get("/docs").status_code == 404 and alice.get("/redoc").status_code == 404
    assert alice.get("/openapi.json").status_code == 200
