"""Text written by the model or by sandboxed code, turned into HTML that is safe to insert.

Markdown goes through markdown-it-py with raw HTML off, so `<script>` stays text; links keep
only the schemes markdown-it allows (no `javascript:`, `vbscript:`, `file:`, `data:`) and open in
a new tab without a referrer. An image is shown only when it names a file of the conversation's
own workspace: it becomes an `<img>` with no `src` and a `data-workspace` path that the page
loads through the API; any other image is its alt text. Code is highlighted by Pygments, which
escapes every character it emits; the page styles its short class names (`.k`, `.s1`, ...).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from html import escape
from typing import Any
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from codeact.server.workspace import WorkspaceError, split_path

CACHE = 4096  # rendered texts kept: a long conversation is rendered once, then served from here
_FORMATTER = HtmlFormatter(nowrap=True)
_PYTHON = PythonLexer()


def highlight_code(code: str, language: str = "python") -> str:
    """`code` as highlighted HTML (spans with Pygments' short class names), without a wrapper."""
    return _highlighted(code, language.strip().lower() or "python")


@lru_cache(maxsize=CACHE)
def _highlighted(code: str, language: str) -> str:
    try:
        lexer = _PYTHON if language in ("python", "py") else get_lexer_by_name(language)
    except ClassNotFound:
        return escape(code)
    html: str = highlight(code, lexer, _FORMATTER)
    return html


@lru_cache(maxsize=CACHE)
def render_markdown(text: str) -> str:
    """Markdown as HTML with raw HTML, unsafe links and outside images disabled."""
    html: str = _MD.render(text)
    return html


def _fence(code: str, language: str, _attrs: Any) -> str:
    return f'<pre class="hl"><code>{highlight_code(code, language or "text")}</code></pre>'


def _workspace_path(src: str) -> str | None:
    """`src` if it is a relative path inside a workspace, else None."""
    if not src or ":" in src.split("/", 1)[0] or src.startswith(("/", "\\")) or "?" in src:
        return None
    try:
        split_path(src)
    except WorkspaceError:
        return None
    return src


class _Renderer(RendererHTML):
    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env)
        path = _workspace_path(unquote(str(token.attrGet("src") or "")))
        if path is None:
            return escape(f"[image: {alt}]" if alt else "[image]")
        return f'<img data-workspace="{escape(path)}" alt="{escape(alt)}">'

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        token = tokens[idx]
        token.attrSet("target", "_blank")
        token.attrSet("rel", "noopener noreferrer nofollow")
        return self.renderToken(tokens, idx, options, env)


_MD = MarkdownIt("commonmark", {"html": False, "highlight": _fence}, renderer_cls=_Renderer).enable(
    ["table", "strikethrough"]
)
