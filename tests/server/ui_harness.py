"""Helpers for the web UI's tests: Debian's Chromium driven by Playwright, signed in to a real
server on 127.0.0.1 (see server_harness)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_harness import Server

CHROMIUM = Path("/usr/bin/chromium")
# the machine's network is closed: nothing that phones home, no first-run work
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TURN_TIMEOUT_MS = 60_000


def launch_chromium() -> Iterator[Any]:
    """One headless Chromium (yielded as a Playwright Browser) for a test module."""
    if not CHROMIUM.exists():
        pytest.skip(
            "Chromium is not installed at /usr/bin/chromium "
            "(scripts/setup.sh installs Debian's `chromium` with apt when run as root)"
        )
    playwright_api = pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is in the dev extra"
    )
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageErrors:
    """Collects a page's uncaught errors and console errors (a test asserts there are none)."""

    IGNORED = ("Failed to load resource",)  # 4xx answers the test provoked on purpose

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith(self.IGNORED):
            self.errors.append(f"console: {message.text}")


def signed_in(browser: Any, server: Server, user: str, **context: Any) -> Any:
    """A new page whose browser holds `user`'s token (as after signing in), at the app."""
    ctx = browser.new_context(
        **{"viewport": {"width": 1280, "height": 800}, "base_url": server.url, **context}
    )
    ctx.add_init_script(f"localStorage.setItem('codeact.token', {json.dumps(server.tokens[user])})")
    page = ctx.new_page()
    page.set_default_timeout(20_000)
    page.errors = PageErrors(page)
    page.goto(server.url + "/")
    page.wait_for_selector("html[data-ready=app]")
    return page


def auth(page: Any) -> dict[str, str]:
    """The header with the page's token, for `page.request` calls to the API."""
    return {"Authorization": "Bearer " + page.evaluate("localStorage.getItem('codeact.token')")}


def new_conversation(page: Any, title: str, **settings: Any) -> str:
    """A conversation made through the API (as another tab would), with `settings`, opened."""
    cid = str(
        page.request.post("/api/conversations", data={"title": title}, headers=auth(page)).json()[
            "id"
        ]
    )
    if settings:
        page.request.patch(
            f"/api/conversations/{cid}", data={"settings": settings}, headers=auth(page)
        )
    open_conversation(page, cid)
    return cid


def open_conversation(page: Any, cid: str) -> None:
    page.evaluate("id => { location.hash = '#/c/' + id }", cid)
    page.wait_for_selector(f"html[data-conversation='{cid}']")


def send(page: Any, text: str) -> None:
    page.fill("#composer-input", text)
    page.press("#composer-input", "Enter")


def wait_turns(page: Any, count: int, timeout: float = TURN_TIMEOUT_MS) -> None:
    """Wait until `count` turns of the open conversation have ended."""
    page.wait_for_function(
        "n => document.querySelectorAll('article.msg.agent[data-status]').length >= n",
        arg=count,
        timeout=timeout,
    )


def last_turn_status(page: Any) -> str:
    status: str = page.eval_on_selector_all(
        "article.msg.agent[data-status]", "nodes => nodes.at(-1).dataset.status"
    )
    return status


def conversation_id(page: Any) -> str:
    cid: str = page.evaluate("document.documentElement.dataset.conversation")
    return cid
