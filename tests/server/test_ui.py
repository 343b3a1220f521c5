"""The web UI in a real browser (Debian's Chromium through Playwright) against a real server on
127.0.0.1 with sandboxed kernels and the scripted model: what a user does with it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from server_harness import Server, code, running_server, test_config
from ui_harness import (
    auth,
    conversation_id,
    last_turn_status,
    launch_chromium,
    new_conversation,
    send,
    signed_in,
    wait_turns,
)

from codeact.llms.scripted import ScriptedLLM, runs_task_code

SLOW = "scripted-slow"  # the same model, streaming a word every 40 ms


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    config = test_config(tmp_path_factory.mktemp("ui"))
    slow = ScriptedLLM(runs_task_code, delay=0.04, name=SLOW)
    with running_server(config, users=("alice", "bob"), choices={SLOW: slow}) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    page = signed_in(browser, server, "alice")
    yield page
    assert page.errors.errors == []
    page.context.close()


def test_sign_in_with_a_token_and_a_wrong_token_is_refused(browser: Any, server: Server) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/")
    page.wait_for_selector("html[data-ready=signin]")
    assert page.is_visible("#signin") and not page.is_visible("#app")
    page.fill("#token", "ca_not-a-token")
    page.click("#signin-form button[type=submit]")
    page.wait_for_selector("#signin-error:not([hidden])")
    assert "not accepted" in page.inner_text("#signin-error")
    page.fill("#token", server.tokens["alice"])
    page.press("#token", "Enter")
    page.wait_for_selector("html[data-ready=app]")
    assert page.inner_text("#user-name") == "alice"
    page.reload()  # the token is remembered
    page.wait_for_selector("html[data-ready=app]")
    page.click("#sign-out")
    page.wait_for_selector("#signin:not([hidden])")
    assert page.evaluate("localStorage.getItem('codeact.token')") is None
    context.close()


# Records, as the page changes, when each stage of a turn was first on screen (ms from now).
WATCH_STAGES_JS = """() => {
  const started = performance.now();
  const seen = (window.stages = {});
  const stages = {
    words: () => document.querySelector('.streaming')?.textContent.includes('Step 1.'),
    code: () => document.querySelector('.step.running details.code .hl .nb')?.textContent === 'print',
    first: () => document.querySelector('pre.out')?.textContent.includes('first'),
    second: () => document.querySelector('pre.out')?.textContent.includes('second'),
    ended: () => document.querySelector('article.msg.agent[data-status]') !== null,
  };
  new MutationObserver(() => {
    for (const [name, test] of Object.entries(stages)) {
      if (!(name in seen) && test()) seen[name] = performance.now() - started;
    }
  }).observe(document.getElementById('transcript'), { childList: true, subtree: true, characterData: true });
}"""


def test_text_code_and_output_stream_in_before_the_turn_ends_then_the_answer(page: Any) -> None:
    new_conversation(page, "streaming", llm=SLOW)
    page.evaluate(WATCH_STAGES_JS)
    send(page, code("print('first', flush=True)\nimport time\ntime.sleep(2.5)\nprint('second')"))
    page.wait_for_selector(".msg.user >> text=print('first'")
    page.wait_for_selector("pre.out >> text=first")
    assert page.is_visible("#stop") and not page.is_visible("#send")
    wait_turns(page, 1)
    stages = page.evaluate("window.stages")
    # the model's words as they stream, then its code (highlighted) while it runs, then the
    # code's output line by line as it is printed, and only then the end of the turn
    assert list(stages) == ["words", "code", "first", "second", "ended"], stages
    assert stages["second"] - stages["first"] > 2000  # the sleep between the two prints
    assert last_turn_status(page) == "finished"
    assert page.inner_text("pre.out").split() == ["first", "second"]
    answer = page.locator(".answer")
    assert answer.get_attribute("aria-label") == "Final answer"
    assert answer.locator(".badge").text_content() == "Final answer"
    assert answer.locator(".md").inner_text().split() == ["first", "second"]
    assert page.locator(".streaming").count() == 0  # replaced by the rendered text
    assert page.is_visible("#send") and not page.is_visible("#stop")


def test_a_plot_appears_inline_and_a_follow_up_uses_the_state(page: Any) -> None:
    new_conversation(page, "plot")
    send(
        page,
        code(
            "import matplotlib.pyplot as plt\nxs = [1, 2, 3]\nplt.plot(xs, [1, 4, 9])\nplt.show()"
        ),
    )
    wait_turns(page, 1)
    page.wait_for_function(
        "() => { const img = document.querySelector('figure img'); "
        "return img && img.complete && img.naturalWidth > 100 }"
    )
    assert page.get_attribute("figure img", "src").startswith("blob:")
    assert "step 1" in page.get_attribute("figure img", "alt")
    send(page, code("print(sum(xs))"))
    wait_turns(page, 2)
    assert page.locator("pre.out").last.inner_text().strip() == "6"


@pytest.mark.parametrize("how", ["button", "escape"])
def test_stop_interrupts_a_long_cell(page: Any, how: str) -> None:
    new_conversation(page, f"stop by {how}")
    send(page, code("import time\nfor _ in range(600):\n    time.sleep(0.1)"))
    page.wait_for_selector(".step.running details.code")
    started = time.monotonic()
    if how == "button":
        page.click("#stop")
    else:
        page.locator("#transcript").click()  # focus away from the composer
        page.keyboard.press("Escape")
    wait_turns(page, 1, timeout=15_000)
    assert time.monotonic() - started < 10
    assert last_turn_status(page) == "interrupted"
    assert "Stopped." in page.inner_text(".run-end")
    assert "KeyboardInterrupt" in page.inner_text("details.output.failed")
    assert "Error: KeyboardInterrupt" in page.inner_text("details.output.failed summary")
    send(page, code("print('still here')"))
    wait_turns(page, 2)
    assert page.locator("pre.out").last.inner_text().strip() == "still here"


def test_enter_sends_and_shift_enter_is_a_new_line(page: Any) -> None:
    new_conversation(page, "keys")
    page.click("#composer-input")
    page.keyboard.type("line one")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("line two")
    assert page.input_value("#composer-input") == "line one\nline two"
    assert page.locator(".msg.user").count() == 0
    page.keyboard.press("Enter")
    wait_turns(page, 1)
    assert page.inner_text(".msg.user .text") == "line one\nline two"
    assert page.input_value("#composer-input") == ""
    assert last_turn_status(page) == "replied"
    assert "You said: line one" in page.inner_text(".answer")


def test_drop_a_csv_then_the_code_reads_it_and_download_what_it_wrote(
    page: Any, tmp_path: Path
) -> None:
    new_conversation(page, "files")
    page.click("#toggle-files")
    page.wait_for_selector("#file-list >> text=No files yet.")
    drop = page.evaluate_handle(
        "() => { const data = new DataTransfer();"
        " data.items.add(new File(['city,people\\nOslo,709000\\nBergen,291000\\n'], 'cities.csv',"
        " {type: 'text/csv'})); return data }"
    )
    page.dispatch_event("#conversation", "dragenter", {"dataTransfer": drop})
    assert page.is_visible("#drop-overlay")
    page.dispatch_event("#conversation", "drop", {"dataTransfer": drop})
    page.wait_for_selector("#file-list a >> text=cities.csv")
    assert not page.is_visible("#drop-overlay")
    # the other way in: the Attach button's file picker
    with page.expect_file_chooser() as chooser:
        page.click("#attach")
    chooser.value.set_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )
    page.wait_for_selector("#file-list a >> text=notes.txt")
    send(
        page,
        code(
            "import pandas as pd\ndf = pd.read_csv('cities.csv')\nprint(df.people.sum())",
            "import os\nos.makedirs('out', exist_ok=True)\n"
            "df.to_csv('out/big.csv', index=False)\nprint(open('notes.txt').read())",
        ),
    )
    wait_turns(page, 1)
    outputs = [o.strip() for o in page.locator("pre.out").all_inner_texts()]
    assert outputs == ["1000000", "hello"]
    link = page.locator("#file-list a", has_text="out/big.csv")
    link.wait_for()
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "big.csv"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "big.csv"
    assert saved.read_text().splitlines() == ["city,people", "Oslo,709000", "Bergen,291000"]


def test_reload_shows_the_whole_history_and_the_exports_open(page: Any, tmp_path: Path) -> None:
    cid = new_conversation(page, "history")
    send(
        page,
        code("x = 21\nprint(x)", "import matplotlib.pyplot as plt\nplt.bar([1], [x])\nplt.show()"),
    )
    wait_turns(page, 1)
    send(page, code("1 / 0"))
    wait_turns(page, 2)
    send(page, "thanks")
    wait_turns(page, 3)
    before = _shown(page)
    page.reload()
    page.wait_for_selector(f"html[data-conversation='{cid}']")
    assert _shown(page) == before
    assert before["users"] == 3 and before["code"] == 3 and before["answers"] == 3
    assert before["failed"] == 1 and before["statuses"] == ["finished", "finished", "replied"]
    page.wait_for_function("() => document.querySelector('figure img')?.naturalWidth > 0")

    page.click("#toggle-files")
    with page.expect_download() as download:
        page.click("#export-notebook")
    assert download.value.suggested_filename == "history.ipynb"
    download.value.save_as(tmp_path / "history.ipynb")
    notebook = nbformat.read(tmp_path / "history.ipynb", as_version=4)
    nbformat.validate(notebook)
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert sources == [
        "x = 21\nprint(x)",
        "import matplotlib.pyplot as plt\nplt.bar([1], [x])\nplt.show()",
        "1 / 0",
    ]
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    with page.expect_download() as download:
        page.click("#export-trajectory")
    download.value.save_as(tmp_path / "history.json")
    trajectory = json.loads((tmp_path / "history.json").read_text())
    assert trajectory["format"] == "codeact.trajectory" and len(trajectory["steps"]) == 6


def _shown(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => ({
        users: document.querySelectorAll('.msg.user').length,
        code: document.querySelectorAll('details.code').length,
        outputs: [...document.querySelectorAll('pre.out')].map(o => o.textContent),
        answers: document.querySelectorAll('.answer').length,
        failed: document.querySelectorAll('details.output.failed').length,
        images: document.querySelectorAll('figure img').length,
        statuses: [...document.querySelectorAll('article.msg.agent[data-status]')].map(a => a.dataset.status),
    })"""
    )


def test_conversation_list_new_rename_search_delete(page: Any) -> None:
    page.click("#new-conversation")
    page.wait_for_selector("html[data-conversation]")
    cid = conversation_id(page)
    assert page.inner_text("#title") == "New conversation"
    send(page, "Quarterly revenue by region")  # the first message names a new conversation
    wait_turns(page, 1)
    page.wait_for_selector("#title >> text=Quarterly revenue by region")
    page.click("#rename")
    page.fill("#rename-input", "Revenue 2024 <b>bold</b>")
    page.press("#rename-input", "Enter")
    page.wait_for_selector("#title >> text=Revenue 2024 <b>bold</b>")
    link = page.locator(f".conversation-link[data-id='{cid}']")
    assert link.inner_text().startswith("Revenue 2024 <b>bold</b>")
    assert link.get_attribute("aria-current") == "page"
    assert page.title() == "Revenue 2024 <b>bold</b> · codeact"

    page.fill("#search", "revenue 2024")
    page.wait_for_function("() => document.querySelectorAll('.conversation-link').length === 1")
    page.fill("#search", "no such title anywhere")
    page.wait_for_selector(".conversation-list .empty")
    page.fill("#search", "")
    page.wait_for_function("() => document.querySelectorAll('.conversation-link').length > 1")

    page.click("#delete")
    page.click("#delete-cancel")
    assert link.count() == 1
    page.click("#delete")
    page.click("#delete-form button[type=submit]")
    page.wait_for_selector("#toast >> text=Conversation deleted.")
    assert link.count() == 0
    assert page.evaluate("location.hash") == "#/"
    assert page.request.get(f"/api/conversations/{cid}", headers=auth(page)).status == 404


def test_settings_pick_the_model_and_the_turn_limit(page: Any, server: Server) -> None:
    cid = new_conversation(page, "settings")
    page.click("#open-settings")
    options = page.eval_on_selector_all("#setting-llm option", "os => os.map(o => o.value)")
    assert options == ["scripted", SLOW]
    assert page.get_attribute("#setting-max-turns", "max") == "10"
    page.fill("#setting-max-turns", "11")
    page.click("#settings-form button[type=submit]")
    assert page.is_visible("#settings-dialog")  # the browser refuses a number over max
    page.select_option("#setting-llm", SLOW)
    page.fill("#setting-max-turns", "1")
    page.click("#settings-form button[type=submit]")
    page.wait_for_selector("#settings-dialog", state="hidden")
    assert page.inner_text("#model") == SLOW
    send(page, code("print(1)", "print(2)"))
    wait_turns(page, 1)
    assert last_turn_status(page) == "max_turns"
    assert "turn limit" in page.inner_text(".run-end")
    steps = page.request.get(f"/api/conversations/{cid}/trajectory", headers=auth(page)).json()[
        "steps"
    ]
    assert [s["completion"]["model"] for s in steps] == [SLOW]


def test_a_banner_says_when_the_kernel_died_and_its_state_was_lost(page: Any) -> None:
    new_conversation(page, "crash")
    send(page, code("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"))
    wait_turns(page, 1)
    banner = page.locator(".step .banner.warn")
    assert "The kernel died" in banner.inner_text() and "restarted" in banner.inner_text()


def test_another_user_sees_none_of_the_first_users_conversations(
    page: Any, browser: Any, server: Server
) -> None:
    cid = new_conversation(page, "alice's secret analysis")
    send(page, "my secret")
    wait_turns(page, 1)
    bob = signed_in(browser, server, "bob")
    titles = bob.locator(".conversation-title").all_inner_texts()
    assert "alice's secret analysis" not in titles
    open_conversation_url = f"{server.url}/#/c/{cid}"
    bob.goto(open_conversation_url)
    bob.wait_for_selector("#toast >> text=does not exist")
    assert bob.locator(".msg").count() == 0 and "my secret" not in bob.content()
    assert bob.inner_text("#title") == "codeact"
    bob.context.close()


def test_phone_width_layout(browser: Any, server: Server) -> None:
    page = signed_in(browser, server, "alice", viewport={"width": 390, "height": 844})
    page.request.post("/api/conversations", data={"title": "on a phone"}, headers=auth(page))
    page.reload()
    page.wait_for_selector(".conversation-link", state="attached")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert not page.is_visible("#sidebar") and page.is_visible("#toggle-sidebar")
    assert page.is_visible("#composer-input") and page.is_visible("#send")
    box = page.locator("#composer-input").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390 and box["y"] + box["height"] <= 844
    page.click("#toggle-sidebar")
    page.wait_for_selector("#sidebar", state="visible")
    assert page.get_attribute("#toggle-sidebar", "aria-expanded") == "true"
    page.locator(".conversation-link").first.click()
    page.wait_for_selector("html[data-conversation]")
    page.wait_for_selector("#sidebar", state="hidden")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.errors.errors == []
    page.context.close()
