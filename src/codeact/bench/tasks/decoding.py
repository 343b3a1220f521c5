"""Message decoding: a mailbox of encoded messages, cipher keys, a dictionary and decoding tools.

Each message says how it was encoded (Caesar shift, reversal, base64, Morse, substitution,
Vigenère, or a chain of them); some hints point at another message or at a key to fetch. Tasks
decode, chain decoders, search folders, and test candidates against the dictionary. The records
are in data/decoding.json: each message as its plaintext and the encoding steps applied to it
(the bodies are encoded here, by the rules below); the tasks and their references are in
data/decoding.toml.
"""

from __future__ import annotations

import base64
import binascii
import string
from collections import Counter

from codeact.bench.datafiles import Record, data_file, load_records, suite_from_file
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------

_LOWER = string.ascii_lowercase


class Message(Record):
    folder: str
    sender: str
    encoding: str  # the hint the recipient is given
    plaintext: str
    steps: list[str]  # the encoding applied to the plaintext, in order (see _encode)


class DecodingData(Record):
    morse: dict[str, str]  # character -> code
    keys: dict[str, str]  # substitution alphabets (key[i] replaces the i-th letter), keywords
    dictionary: list[str]  # the words behind is_word
    mailbox: dict[str, Message]


DATA = load_records(data_file("decoding.json"), DecodingData)
DICTIONARY = frozenset(DATA.dictionary)

# --- tools -----------------------------------------------------------------------------------


def _shift_letter(ch: str, k: int) -> str:
    if ch.isascii() and ch.isalpha():
        base = ord("a") if ch.islower() else ord("A")
        return chr(base + (ord(ch) - base + k) % 26)
    return ch


def caesar_shift(text: str, k: int) -> str:
    """Shift every letter of `text` forward in the alphabet by k places (a negative k shifts
    back), wrapping around z; case and non-letters are kept. caesar_shift("abz", 1) is "bca"."""
    return "".join(_shift_letter(ch, k) for ch in text)


def reverse_text(text: str) -> str:
    """Return `text` reversed, character by character."""
    return text[::-1]


def base64_decode(data: str) -> str:
    """Decode base64 `data` into UTF-8 text."""
    try:
        return base64.b64decode(data.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise ValueError(f"not valid base64 text: {exc}") from None


def morse_decode(code: str) -> str:
    """Decode Morse code: letters separated by spaces, words by " / ". Returns lowercase text."""
    by_code = {v: k for k, v in DATA.morse.items()}
    words = []
    for word in code.strip().split("/"):
        letters = word.split()
        unknown = [c for c in letters if c not in by_code]
        if unknown:
            raise ValueError(f"unknown Morse symbols {unknown}")
        words.append("".join(by_code[c] for c in letters))
    return " ".join(words)


def get_key(key_id: str) -> str:
    """Return a cipher key by its id, e.g. "K1": a 26-letter substitution alphabet or a keyword."""
    if key_id not in DATA.keys:
        raise ValueError(f"unknown key {key_id!r}; keys: {', '.join(DATA.keys)}")
    return DATA.keys[key_id]


def substitution_decode(text: str, key: str) -> str:
    """Decode a substitution cipher. `key` is the 26-letter cipher alphabet: the plain letter a
    was written as key[0], b as key[1], and so on. Non-letters are kept; output is lowercase."""
    key = key.strip().lower()
    if sorted(key) != list(_LOWER):
        raise ValueError("a substitution key must hold each of the 26 letters once")
    return text.lower().translate(str.maketrans(key, _LOWER))


def vigenere_decode(text: str, keyword: str) -> str:
    """Decode a Vigenère cipher: each letter was shifted forward by the matching letter of the
    repeated `keyword` (a=0, b=1, ...); the keyword advances on letters only. Output is
    lowercase; non-letters are kept."""
    shifts = [_LOWER.index(c) for c in keyword.lower() if c in _LOWER]
    if not shifts:
        raise ValueError("the keyword needs at least one letter")
    out, i = [], 0
    for ch in text.lower():
        if ch in _LOWER:
            ch = _shift_letter(ch, -shifts[i % len(shifts)])
            i += 1
        out.append(ch)
    return "".join(out)


def letter_counts(text: str) -> dict[str, int]:
    """Count the letters of `text`, ignoring case and non-letters: {letter: count}, a to z."""
    return dict(sorted(Counter(c for c in text.lower() if c in _LOWER).items()))


def count_vowels(text: str) -> int:
    """Return how many vowels (a, e, i, o, u, any case) `text` contains."""
    return sum(c in "aeiou" for c in text.lower())


def is_word(word: str) -> bool:
    """Return whether `word` (one word, any case) is in the English dictionary."""
    return word.strip().lower() in DICTIONARY


def list_messages(folder: str) -> list[str]:
    """Return the ids of the messages in a folder ("inbox", "archive", "field" or "drafts")."""
    ids = [m for m in MESSAGES if MESSAGES[m]["folder"] == folder.strip().lower()]
    if not ids:
        raise ValueError(f"no folder {folder!r}; folders: inbox, archive, field, drafts")
    return ids


def get_message(message_id: str) -> dict[str, str]:
    """Return a message as {"id", "folder", "sender", "encoding", "body"}: "encoding" says how
    the body was encoded, "body" is the encoded text."""
    if message_id not in MESSAGES:
        raise ValueError(f"unknown message {message_id!r}; ids look like 'm01'")
    return dict(MESSAGES[message_id])


def make_tools() -> list[Tool]:
    """Fresh tool instances (the tools are stateless; the mailbox is read-only)."""
    functions = (
        list_messages, get_message, caesar_shift, reverse_text, base64_decode, morse_decode,
        get_key, substitution_decode, vigenere_decode, letter_counts, count_vowels, is_word,
    )  # fmt: skip
    return [FunctionTool(f) for f in functions]


# --- the encoded mailbox ----------------------------------------------------------------------


def _encode(plain: str, steps: list[str]) -> str:
    """`plain` encoded by `steps` in order ("caesar:K", "reverse", "base64", "morse",
    "substitution:KEY_ID", "vigenere:KEYWORD")."""
    text = plain
    for step in steps:
        name, _, arg = step.partition(":")
        if name == "caesar":
            text = caesar_shift(text, int(arg))
        elif name == "reverse":
            text = reverse_text(text)
        elif name == "base64":
            text = base64.b64encode(text.encode()).decode()
        elif name == "morse":
            text = " / ".join(" ".join(DATA.morse[c] for c in word) for word in text.split())
        elif name == "substitution":
            text = text.translate(str.maketrans(_LOWER, DATA.keys[arg]))
        elif name == "vigenere":
            text = _vigenere_encode(text, arg)
        else:
            raise ValueError(f"unknown encoding step {step!r}")
    return text


def _vigenere_encode(text: str, keyword: str) -> str:
    shifts = [_LOWER.index(c) for c in keyword]
    out, i = [], 0
    for ch in text:
        if ch in _LOWER:
            ch = _shift_letter(ch, shifts[i % len(shifts)])
            i += 1
        out.append(ch)
    return "".join(out)


MESSAGES: dict[str, dict[str, str]] = {
    m: {"id": m, "folder": r.folder, "sender": r.sender, "encoding": r.encoding,
        "body": _encode(r.plaintext, r.steps)}
    for m, r in DATA.mailbox.items()
}  # fmt: skip

# --- tasks: data/decoding.toml ---------------------------------------------------------------

__getattr__ = suite_from_file("decoding.toml", make_tools)
