"""The web UI's safety and accessibility, in a real browser: text from the model and from the
sandboxed code stays inert, the page's headers lock it down, downloads never render in its
origin; every control has a label, focus is visible, and contrast passes WCAG AA in both themes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from server_harness import Server, code, running_server, test_config, turn
from ui_harness import (
    launch_chromium,
    new_conversation,
    open_conversation,
    send,
    signed_in,
    wait_turns,
)

from codeact.llms.scripted import ScriptedLLM

CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()
# each payload sets window.pwned if it ever runs
PAYLOAD = (
    "<script>window.pwned = 'script'</script> "
    "<img src=x onerror=\"window.pwned = 'img'\"> "
    "[click me](javascript:window.pwned='link') "
    "<a href=\"javascript:window.pwned='a'\">raw link</a> "
    "![remote](http://127.0.0.1:9/track.png) ![vector](pic.svg)"
)
EVIL_FILES = (
    "open('page.html', 'w').write(\"<script>parent.pwned = 'download'</script>\")\n"
    "open('pic.svg', 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"parent.pwned=1\"/>')\n"
    "open('<img src=x onerror=alert(1)>.txt', 'w').write('x')\n"
)
HOSTILE = ScriptedLLM(
    [
        f"Looking at it: {PAYLOAD}\n<execute>\n{EVIL_FILES}print({PAYLOAD!r})\n</execute>",
        f"<solution>{PAYLOAD}</solution>",
    ],
    name="hostile",
)
BROKEN = ScriptedLLM([], name="broken")  # a model backend that fails on every call
RECORD_VIOLATIONS = """
window.violations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    config = test_config(tmp_path_factory.mktemp("ui-safety"), idle_timeout=3)
    choices = {"hostile": HOSTILE, "broken": BROKEN}
    with running_server(config, users=("alice",), choices=choices) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from launch_chromium()


@pytest.fixture
def new_page(browser: Any, server: Server) -> Iterator[Callable[..., Any]]:
    """Makes signed-in pages (as alice) that record CSP violations; closes them after the test."""
    made: list[Any] = []

    def make(scheme: str = "light") -> Any:
        page = signed_in(browser, server, "alice", color_scheme=scheme)
        made.append(page)
        page.add_init_script(RECORD_VIOLATIONS)
        page.reload()
        page.wait_for_selector("html[data-ready=app]")
        return page

    yield make
    for page in made:
        page.context.close()


def _inert(page: Any) -> None:
    """Nothing the payloads carry became markup, ran, or was even tried (no CSP violation)."""
    found = page.evaluate(
        """() => ({
        pwned: window.pwned ?? null,
        violations: window.violations,
        bodyScripts: document.querySelectorAll('body script').length,
        handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
            .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
        scriptLinks: [...document.querySelectorAll('[href], [src]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src'))
            .filter(u => /^\\s*(javascript|data|vbscript):/i.test(u)),
        remoteImages: [...document.images].map(i => i.src).filter(s => s && !s.startsWith('blob:')),
    })"""
    )
    assert found == {
        "pwned": None,
        "violations": [],
        "bodyScripts": 0,
        "handlers": [],
        "scriptLinks": [],
        "remoteImages": [],
    }


def test_markup_from_the_model_and_the_code_stays_text(new_page: Callable[..., Any]) -> None:
    page = new_page()
    new_conversation(page, PAYLOAD, llm="hostile")
    send(page, f"Show me this: {PAYLOAD}")
    wait_turns(page, 1)
    # each place shows the payload as text: the user's message, the model's words, the code,
    # its output, the answer, the title, and a file name the code chose
    assert page.inner_text(".msg.user .text") == f"Show me this: {PAYLOAD}"
    thought = page.inner_text(".thought")
    assert "<script>window.pwned = 'script'</script>" in thought
    assert "[click me](javascript:window.pwned='link')" in thought  # not a link
    assert "[image: remote]" in thought
    assert "<script>window.pwned" in page.inner_text("details.code pre")
    assert "<img src=x onerror=" in page.inner_text("pre.out")
    assert "<a href=\"javascript:window.pwned='a'\">raw link</a>" in page.inner_text(".answer")
    assert page.inner_text("#title") == PAYLOAD
    page.wait_for_selector(".answer .missing >> text=[pic.svg is not an image]")
    page.click("#toggle-files")
    page.wait_for_selector("#file-list a >> text=<img src=x onerror=alert(1)>.txt")
    for text in ("click me", "raw link"):
        page.get_by_text(text).first.click()
    time.sleep(0.3)
    _inert(page)
    assert page.errors.errors == []

    # a page the code wrote is downloaded, never opened in the app's origin
    url = page.url
    with page.expect_download() as download:
        page.click("#file-list a[data-path='page.html']")
    assert download.value.suggested_filename == "page.html"
    assert page.url == url
    _inert(page)


def test_the_page_enforces_trusted_types(new_page: Callable[..., Any]) -> None:
    """Even the page's own code cannot put a string into innerHTML: only through setHtml."""
    page = new_page()
    tried = page.evaluate(
        """() => ['body', 'transcript'].map((where) => {
          const node = where === 'body' ? document.body : document.getElementById(where);
          try { node.innerHTML = '<img src=x>'; return 'assigned' } catch (e) { return e.name }
        })"""
    )
    assert tried == ["TypeError", "TypeError"]
    assert page.evaluate("window.violations.length") == 2  # each refusal is reported


@pytest.fixture(scope="module")
def rich(server: Server) -> str:
    """A conversation with all the page shows: code, output, an error, a plot, a lost kernel's
    banner, a failed turn, markdown. Made through the API; returns its id."""
    with server.client("alice") as client:
        cid = str(client.post("/api/conversations", json={"title": "rich"}).json()["id"])
        plot = "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()"
        turn(client, cid, code("x = 1\nprint(x)", plot, "1 / 0"))
        time.sleep(4.5)  # past the 3 s idle timeout: the kernel is culled
        turn(client, cid, code("print(x)"))
        client.patch(f"/api/conversations/{cid}", json={"settings": {"llm": "broken"}})
        turn(client, cid, "hello")
        client.patch(f"/api/conversations/{cid}", json={"settings": {"llm": "scripted"}})
        turn(client, cid, MARKDOWN)
    return cid


MARKDOWN = "Some **markdown**: `code`, a [link](https://example.org), and\n\n| a | b |\n|---|---|\n| 1 | 2 |"


def test_banners_say_the_kernel_state_was_lost_and_the_turn_failed(
    new_page: Callable[..., Any], rich: str
) -> None:
    page = new_page()
    open_conversation(page, rich)
    banner = page.locator(".banner.warn")
    assert "restarted since your last turn" in banner.inner_text()
    assert "idle for more than 3 s" in banner.inner_text()
    assert "NameError" in page.locator("pre.out").last.inner_text()
    assert "ran out of replies" in page.inner_text(".banner.error")
    assert page.locator(".run-end.error").inner_text() == "The turn failed."
    assert page.locator(".answer table td").all_inner_texts() == ["1", "2"]
    link = page.locator(".answer a", has_text="link")
    assert link.get_attribute("href") == "https://example.org"
    assert link.get_attribute("rel") == "noopener noreferrer nofollow"
    _inert(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_contrast_passes_wcag_aa_in_both_themes(
    new_page: Callable[..., Any], rich: str, scheme: str
) -> None:
    page = new_page(scheme)
    open_conversation(page, rich)
    page.locator("figure img").scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure img')?.naturalWidth > 0")
    page.click("#toggle-files")
    page.wait_for_selector("#file-list li")
    page.evaluate("() => document.activeElement.blur()")
    results = [page.evaluate(CONTRAST_JS)]
    page.click("#open-settings")
    results.append(page.evaluate(CONTRAST_JS))
    page.keyboard.press("Escape")
    page.fill("#search", "no such title")
    page.wait_for_selector(".conversation-list .empty")
    page.click("#sign-out")
    page.fill("#token", "wrong")
    page.press("#token", "Enter")
    page.wait_for_selector("#signin-error:not([hidden])")
    results.append(page.evaluate(CONTRAST_JS))
    failures = [f for r in results for f in r["failures"]]
    assert failures == []
    assert sum(r["measured"] for r in results) > 150  # the check saw the page
    # and it catches what fails: grey on white, set through the CSSOM (the CSP allows no more)
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'faint';"
        " p.style.color = '#999999'; p.style.background = '#ffffff';"
        " document.querySelector('.signin-card').append(p) }"
    )
    caught = page.evaluate(CONTRAST_JS)["failures"]
    assert len(caught) == 1 and '"faint"' in caught[0] and "2.85 < 4.5" in caught[0]
    expected = "rgb(255, 255, 255)" if scheme == "light" else "rgb(17, 20, 24)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == expected


def test_every_control_is_labelled_and_keyboard_focus_is_visible(
    new_page: Callable[..., Any], rich: str
) -> None:
    page = new_page()
    open_conversation(page, rich)
    page.click("#toggle-files")
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')]
        .filter(e => e.getClientRects().length && e.type !== 'hidden')
        .filter(e => {
          const byId = id => document.getElementById(id)?.textContent.trim();
          const name = e.getAttribute('aria-label') || (e.getAttribute('aria-labelledby') || '')
            .split(' ').map(byId).join(' ').trim() || [...(e.labels || [])].map(l => l.textContent).join(' ').trim()
            || (e.matches('button, a') ? e.textContent.trim() : '');
          return !name && !e.matches('#transcript pre');
        }).map(e => e.outerHTML.slice(0, 80))"""
    )
    assert unlabelled == []
    page.focus(".skip-link")
    page.keyboard.press("Enter")  # the skip link goes to the message box, keeping the route
    assert page.evaluate("document.activeElement.id") == "composer-input"
    assert page.evaluate("location.hash") == f"#/c/{rich}"
    page.focus(".skip-link")
    seen = []
    for _ in range(14):
        page.keyboard.press("Tab")
        focus = page.evaluate(
            """() => { const e = document.activeElement, s = getComputedStyle(e);
            return {what: e.id || e.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                    color: s.outlineColor} }"""
        )
        seen.append(focus["what"])
        assert focus["style"] == "solid" and focus["width"] >= 2, focus
    assert {"new-conversation", "search", "sign-out", "rename", "open-settings", "SUMMARY"} <= set(
        seen
    )
