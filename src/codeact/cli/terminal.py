"""Text from the sandbox or the model, made safe to show on the user's terminal.

Cell output is written by code the host does not trust, and a terminal obeys control sequences:
OSC 52 sets the clipboard, OSC 8 plants links, OSC 0 renames the window, CSI 2J clears the screen,
a bare carriage return or backspace overwrites what was printed. Everything that reaches a printer
goes through `printable`: complete escape sequences are dropped (they are formatting, not content),
and every control character left, C0, DEL, C1 and the Unicode bidi overrides, is shown as a visible
escape such as `\\x1b`, so nothing can act on the terminal and nothing is hidden either.
"""

from __future__ import annotations

import re

# ESC- or C1-introduced sequences. CSI: parameters, intermediates, a final byte. OSC, DCS, SOS, PM,
# APC: a payload up to BEL or ST (ESC \ or \x9c), and never across another introducer, so that a text of
# many introducers costs linear time, not quadratic. Two-byte ESC sequences (ESC c, ESC 7, ...).
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\x90\x98\x9d\x9e\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
# Bidi embeddings, overrides, isolates and marks reorder what is shown (the "Trojan source" trick).
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` without escape sequences, with other control characters shown as escapes.

    Newlines and tabs stay; CRLF becomes a newline and a lone carriage return a newline too, so
    that progress bars stay readable and nothing printed can be overwritten in place.
    """
    text = _SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(_visible, text)
