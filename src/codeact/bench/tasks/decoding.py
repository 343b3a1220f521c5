"""Message decoding: a mailbox of encoded messages, cipher keys, a dictionary and decoding tools.

Each message says how it was encoded (Caesar shift, reversal, base64, Morse, substitution,
Vigenère, or a chain of them); some hints point at another message or at a key to fetch. Tasks
decode, chain decoders, search folders, and test candidates against the dictionary. The ground
truth is computed below by calling the tool functions themselves.
"""

from __future__ import annotations

import base64
import binascii
import string
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from codeact.bench.suite import Call, Check, Suite, Task, planned_task
from codeact.contracts import Tool
from codeact.tools.function import FunctionTool

# --- data ------------------------------------------------------------------------------------

_LOWER = string.ascii_lowercase

MORSE: dict[str, str] = {
    "a": ".-", "b": "-...", "c": "-.-.", "d": "-..", "e": ".", "f": "..-.", "g": "--.",
    "h": "....", "i": "..", "j": ".---", "k": "-.-", "l": ".-..", "m": "--", "n": "-.",
    "o": "---", "p": ".--.", "q": "--.-", "r": ".-.", "s": "...", "t": "-", "u": "..-",
    "v": "...-", "w": ".--", "x": "-..-", "y": "-.--", "z": "--..", "0": "-----",
    "1": ".----", "2": "..---", "3": "...--", "4": "....-", "5": ".....", "6": "-....",
    "7": "--...", "8": "---..", "9": "----.",
}  # fmt: skip

# substitution keys: the cipher alphabet, key[i] replaces the i-th plain letter; Vigenère keywords
KEYS: dict[str, str] = {
    "K1": "qwertyuiopasdfghjklzxcvbnm",
    "K2": "zyxwvutsrqponmlkjihgfedcba",
    "K3": "phqgiumeaylnofdxjkrcvstzwb",
    "V1": "orchid",
}

# the dictionary behind is_word
_WORDS = [
    "a", "all", "and", "any", "are", "arrives", "at", "bench", "blue", "bridge", "bring",
    "burning", "by", "camp", "clear", "closed", "courier", "crossing", "dawn", "deep", "east",
    "ember", "even", "every", "feathers", "fire", "flour", "for", "fox", "friday", "from", "gate",
    "green", "harbor", "is", "keep", "lanterns", "lit", "low", "map", "me", "meet", "midnight",
    "mill", "moves", "near", "needs", "never", "noon", "north", "odd", "of", "old", "on", "or",
    "owl", "package", "received", "red", "river", "roots", "second", "seen", "send", "seven",
    "signal", "sings", "supplies", "the", "tonight", "tower", "tree", "twice", "two", "under",
    "wait", "was", "watched", "west", "with",
]  # fmt: skip
DICTIONARY: frozenset[str] = frozenset(_WORDS)

# id, folder, sender, the encoding hint the recipient is given, plaintext, and the encoding
# steps applied to the plaintext in order ("caesar:K", "reverse", "base64", "morse",
# "substitution:KEY_ID", "vigenere:KEYWORD"); the bodies are built from these below
_MAILBOX: list[tuple[str, str, str, str, str, str]] = [
    ("m01", "inbox", "juniper", "caesar shift 3", "meet me at the old mill at noon", "caesar:3"),
    ("m02", "inbox", "kestrel", "reversed", "the package is under the blue bench", "reverse"),
    ("m03", "inbox", "juniper", "base64", "bring two lanterns and a map", "base64"),
    ("m04", "inbox", "heron", "morse", "river crossing at dawn", "morse"),
    (
        "m05", "inbox", "kestrel", "substitution with key K1",
        "the owl sings at midnight", "substitution:K1",
    ),
    (
        "m06", "inbox", "heron", "vigenere; the keyword is the decoded text of message m09",
        "signal twice from the north tower", "vigenere:lantern",
    ),
    (
        "m07", "archive", "juniper", "caesar, shift unknown; the most common plaintext letter is e",
        "every green tree needs seven deep roots", "caesar:10",
    ),
    (
        "m08", "archive", "kestrel", "base64 of the reversed text",
        "the courier arrives on friday", "reverse base64",
    ),
    ("m09", "archive", "heron", "caesar shift 11", "lantern", "caesar:11"),
    ("m10", "archive", "juniper", "caesar shift 13", "keep the zorvan fire burning", "caesar:13"),
    (
        "m11", "archive", "wren", "substitution with key K2",
        "the bridge is watched", "substitution:K2",
    ),
    ("m12", "field", "wren", "morse", "supplies low send flour", "morse"),
    (
        "m13", "field", "heron",
        "caesar; the shift is the number of vowels in the decoded text of message m04",
        "the camp moves east tonight", "caesar:6",
    ),
    ("m14", "field", "kestrel", "reversed", "a fox was seen near the gate", "reverse"),
    (
        "m15", "field", "juniper", "vigenere with key V1",
        "wait for the second signal", "vigenere:orchid",
    ),
    ("m16", "drafts", "wren", "reversed", "all clear at the harbor", "reverse"),
    ("m17", "drafts", "heron", "caesar shift 7", "keep the ember lit", "caesar:7"),
    ("m18", "drafts", "kestrel", "base64", "send two red feathers", "base64"),
    ("m19", "drafts", "juniper", "base64", "never odd or even", "base64"),
    (
        "m20", "drafts", "wren", "caesar shift 5, then reversed, then base64",
        "the tower is closed", "caesar:5 reverse base64",
    ),
]  # fmt: skip

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
    by_code = {v: k for k, v in MORSE.items()}
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
    if key_id not in KEYS:
        raise ValueError(f"unknown key {key_id!r}; keys: {', '.join(KEYS)}")
    return KEYS[key_id]


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


_FUNCTIONS: list[Callable[..., Any]] = [
    list_messages,
    get_message,
    caesar_shift,
    reverse_text,
    base64_decode,
    morse_decode,
    get_key,
    substitution_decode,
    vigenere_decode,
    letter_counts,
    count_vowels,
    is_word,
]


def make_tools() -> list[Tool]:
    """Fresh tool instances (the tools are stateless; the mailbox is read-only)."""
    return [FunctionTool(f) for f in _FUNCTIONS]


# --- the encoded mailbox ----------------------------------------------------------------------


def _encode(plain: str, steps: str) -> str:
    text = plain
    for step in steps.split():
        name, _, arg = step.partition(":")
        if name == "caesar":
            text = caesar_shift(text, int(arg))
        elif name == "reverse":
            text = reverse_text(text)
        elif name == "base64":
            text = base64.b64encode(text.encode()).decode()
        elif name == "morse":
            text = " / ".join(" ".join(MORSE[c] for c in word) for word in text.split())
        elif name == "substitution":
            text = text.translate(str.maketrans(_LOWER, KEYS[arg]))
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
    m: {"id": m, "folder": f, "sender": s, "encoding": hint, "body": _encode(plain, steps)}
    for m, f, s, hint, plain, steps in _MAILBOX
}

# --- tasks -----------------------------------------------------------------------------------

_TOOLS = make_tools()


def _task(
    n: int, prompt: str, calls: Sequence[Call], code: str, answer: Any, check: Check | None = None
) -> Task:
    return planned_task(
        "decoding", f"{n:02d}", prompt, calls, code, answer, make_tools, tools=_TOOLS, check=check
    )


def _get(message_id: str) -> Call:
    return Call("get_message", {"message_id": message_id})


def _body(message_id: str) -> str:
    return get_message(message_id)["body"]


def _only(values: list[Any]) -> Any:
    """The single value of a list the task says has exactly one; the data guarantees it."""
    if len(values) != 1:
        raise AssertionError(f"expected exactly one answer, got {values}")
    return values[0]


def _build() -> list[Task]:
    body = _body
    tasks: list[Task] = []
    add = tasks.append

    # 1: a known Caesar shift
    add(
        _task(
            1,
            "Decode message m01 (its header says how it was encoded) and return the plaintext.",
            [_get("m01"), Call("caesar_shift", {"text": body("m01"), "k": -3})],
            """
msg = get_message("m01")
print(caesar_shift(msg["body"], -3))
""",
            caesar_shift(body("m01"), -3),
        )
    )

    # 2: reverse, then count vowels
    plain02 = reverse_text(body("m02"))
    add(
        _task(
            2,
            "Decode message m02 and return the number of vowels (a, e, i, o, u) in its plaintext.",
            [_get("m02"), Call("reverse_text", {"text": body("m02")}), _vowels(plain02)],
            """
plain = reverse_text(get_message("m02")["body"])
print(count_vowels(plain))
""",
            count_vowels(plain02),
        )
    )

    # 3: base64, then pick words
    plain03 = base64_decode(body("m03"))
    add(
        _task(
            3,
            "Decode message m03 and return the words of its plaintext that have more than 3 "
            'letters, as a list in their order, e.g. ["word", "other"].',
            [_get("m03"), Call("base64_decode", {"data": body("m03")})],
            """
plain = base64_decode(get_message("m03")["body"])
print([w for w in plain.split() if len(w) > 3])
""",
            [w for w in plain03.split() if len(w) > 3],
        )
    )

    # 4: Morse
    add(
        _task(
            4,
            "Decode message m04 and return its plaintext in lowercase.",
            [_get("m04"), Call("morse_decode", {"code": body("m04")})],
            """
print(morse_decode(get_message("m04")["body"]))
""",
            morse_decode(body("m04")),
        )
    )

    # 5: a substitution key fetched by id
    add(
        _task(
            5,
            "Decode message m05 with the key its header names and return the plaintext.",
            [
                _get("m05"),
                Call("get_key", {"key_id": "K1"}),
                Call("substitution_decode", {"text": body("m05"), "key": get_key("K1")}),
            ],
            """
print(substitution_decode(get_message("m05")["body"], get_key("K1")))
""",
            substitution_decode(body("m05"), get_key("K1")),
        )
    )

    # 6: a Vigenère keyword hidden in another message
    keyword = caesar_shift(body("m09"), -11)
    add(
        _task(
            6,
            "Decode message m06 and return its plaintext. Its header says where the keyword is.",
            [
                _get("m06"),
                _get("m09"),
                Call("caesar_shift", {"text": body("m09"), "k": -11}),
                Call("vigenere_decode", {"text": body("m06"), "keyword": keyword}),
            ],
            """
keyword = caesar_shift(get_message("m09")["body"], -11)
print(vigenere_decode(get_message("m06")["body"], keyword))
""",
            vigenere_decode(body("m06"), keyword),
        )
    )

    # 7: frequency analysis finds an unknown shift
    counts07 = letter_counts(body("m07"))
    top07 = _only([c for c, n in counts07.items() if n == max(counts07.values())])
    shift07 = (ord(top07) - ord("e")) % 26
    add(
        _task(
            7,
            "Message m07 was Caesar-shifted forward by an unknown amount between 1 and 25; the "
            "most common letter of its plaintext is e. Find the shift and decode it. Return a "
            'dict {"shift": SHIFT, "plaintext": PLAINTEXT}.',
            [
                _get("m07"),
                Call("letter_counts", {"text": body("m07")}),
                Call("caesar_shift", {"text": body("m07"), "k": -shift07}),
            ],
            """
text = get_message("m07")["body"]
counts = letter_counts(text)
top = max(counts, key=counts.get)
shift = (ord(top) - ord("e")) % 26
print({"shift": shift, "plaintext": caesar_shift(text, -shift)})
""",
            {"shift": shift07, "plaintext": caesar_shift(body("m07"), -shift07)},
        )
    )

    # 8: two decoding steps in the right order
    rev08 = base64_decode(body("m08"))
    add(
        _task(
            8,
            "Decode message m08 (its header says how) and return the plaintext.",
            [_get("m08"), Call("base64_decode", {"data": body("m08")}), _reverse(rev08)],
            """
print(reverse_text(base64_decode(get_message("m08")["body"])))
""",
            reverse_text(rev08),
        )
    )

    # 9: words missing from the dictionary
    words10 = caesar_shift(body("m10"), -13).split()
    add(
        _task(
            9,
            "Decode message m10, then check each word of the plaintext against the dictionary. "
            "Return the words that are not in the dictionary, as a list in their order.",
            [_get("m10"), Call("caesar_shift", {"text": body("m10"), "k": -13})]
            + [Call("is_word", {"word": w}) for w in words10],
            """
words = caesar_shift(get_message("m10")["body"], -13).split()
print([w for w in words if not is_word(w)])
""",
            [w for w in words10 if not is_word(w)],
        )
    )

    # 10: is every word a dictionary word?
    words11 = substitution_decode(body("m11"), get_key("K2")).split()
    add(
        _task(
            10,
            "Decode message m11 with the key its header names. Is every word of the plaintext "
            "in the dictionary? Answer true or false.",
            [
                _get("m11"),
                Call("get_key", {"key_id": "K2"}),
                Call("substitution_decode", {"text": body("m11"), "key": get_key("K2")}),
            ]
            + [Call("is_word", {"word": w}) for w in words11],
            """
plain = substitution_decode(get_message("m11")["body"], get_key("K2"))
print(all(is_word(w) for w in plain.split()))
""",
            all(is_word(w) for w in words11),
        )
    )

    # 11: Morse, then count vowels
    plain12 = morse_decode(body("m12"))
    add(
        _task(
            11,
            "Decode message m12 and return how many vowels (a, e, i, o, u) its plaintext has.",
            [_get("m12"), Call("morse_decode", {"code": body("m12")}), _vowels(plain12)],
            """
print(count_vowels(morse_decode(get_message("m12")["body"])))
""",
            count_vowels(plain12),
        )
    )

    # 12: a shift that depends on another message
    plain04 = morse_decode(body("m04"))
    shift13 = count_vowels(plain04)
    add(
        _task(
            12,
            "Decode message m13 and return its plaintext. Its header says how to find the shift.",
            [
                _get("m13"),
                _get("m04"),
                Call("morse_decode", {"code": body("m04")}),
                _vowels(plain04),
                Call("caesar_shift", {"text": body("m13"), "k": -shift13}),
            ],
            """
shift = count_vowels(morse_decode(get_message("m04")["body"]))
print(caesar_shift(get_message("m13")["body"], -shift))
""",
            caesar_shift(body("m13"), -shift13),
        )
    )

    # 13: the most common letter of a decoded message
    counts14 = letter_counts(reverse_text(body("m14")))
    top14 = min(counts14, key=lambda c: (-counts14[c], c))
    add(
        _task(
            13,
            "Decode message m14 and find the most common letter of its plaintext (ignore spaces; "
            'on a tie take the alphabetically first). Return a dict {"letter": LETTER, "count": '
            "COUNT}.",
            [
                _get("m14"),
                _reverse(body("m14")),
                Call("letter_counts", {"text": reverse_text(body("m14"))}),
            ],
            """
counts = letter_counts(reverse_text(get_message("m14")["body"]))
top = min(counts, key=lambda c: (-counts[c], c))
print({"letter": top, "count": counts[top]})
""",
            {"letter": top14, "count": counts14[top14]},
        )
    )

    # 14: Vigenère with a stored keyword
    add(
        _task(
            14,
            "Decode message m15 with the key its header names and return the plaintext.",
            [
                _get("m15"),
                Call("get_key", {"key_id": "V1"}),
                Call("vigenere_decode", {"text": body("m15"), "keyword": get_key("V1")}),
            ],
            """
print(vigenere_decode(get_message("m15")["body"], get_key("V1")))
""",
            vigenere_decode(body("m15"), get_key("V1")),
        )
    )

    # 15: one candidate decodes to a dictionary word
    candidates = ["bsbdi", "levfsv", "qsmrx", "ksvhw"]
    decoded = [caesar_shift(w, -4) for w in candidates]
    add(
        _task(
            15,
            "Exactly one of the words bsbdi, levfsv, qsmrx and ksvhw becomes an English "
            "dictionary word when Caesar-shifted back by 4 (k = -4). Return that decoded word.",
            [Call("caesar_shift", {"text": w, "k": -4}) for w in candidates]
            + [Call("is_word", {"word": d}) for d in decoded],
            """
for w in ["bsbdi", "levfsv", "qsmrx", "ksvhw"]:
    d = caesar_shift(w, -4)
    if is_word(d):
        print(d)
""",
            _only([d for d in decoded if is_word(d)]),
        )
    )

    # 16: which of three shifts was used
    secret = caesar_shift("ember", 12)
    shifts = [5, 12, 20]
    tried = {s: caesar_shift(secret, -s) for s in shifts}
    good = _only([s for s in shifts if is_word(tried[s])])
    add(
        _task(
            16,
            f"The word {secret} was Caesar-shifted forward by 5, 12 or 20. Find which shift "
            'gives back a dictionary word. Return a dict {"shift": SHIFT, "word": WORD}.',
            [Call("caesar_shift", {"text": secret, "k": -s}) for s in shifts]
            + [Call("is_word", {"word": tried[s]}) for s in shifts],
            f"""
for s in [5, 12, 20]:
    word = caesar_shift({secret!r}, -s)
    if is_word(word):
        print({{"shift": s, "word": word}})
""",
            {"shift": good, "word": tried[good]},
        )
    )

    # 17: count messages by sender in a folder
    inbox = list_messages("inbox")
    add(
        _task(
            17,
            "How many messages in the inbox folder were sent by kestrel? Answer with a number.",
            [Call("list_messages", {"folder": "inbox"})] + [_get(m) for m in inbox],
            """
print(sum(get_message(m)["sender"] == "kestrel" for m in list_messages("inbox")))
""",
            sum(get_message(m)["sender"] == "kestrel" for m in inbox),
        )
    )

    # 18: decode the plain base64 drafts
    drafts = list_messages("drafts")
    b64 = [m for m in drafts if get_message(m)["encoding"] == "base64"]
    add(
        _task(
            18,
            'Decode every message in the drafts folder whose encoding is exactly "base64". '
            'Return a dict mapping message id to plaintext, e.g. {"m00": "some text"}.',
            [Call("list_messages", {"folder": "drafts"})]
            + [_get(m) for m in drafts]
            + [Call("base64_decode", {"data": body(m)}) for m in b64],
            """
found = {}
for m in list_messages("drafts"):
    msg = get_message(m)
    if msg["encoding"] == "base64":
        found[m] = base64_decode(msg["body"])
print(found)
""",
            {m: base64_decode(body(m)) for m in b64},
        )
    )

    # 19: search a folder by sender, then decode
    field = list_messages("field")
    target = _only([m for m in field if get_message(m)["sender"] == "kestrel"])
    add(
        _task(
            19,
            "In the field folder, find the message sent by kestrel, decode it and return its "
            "plaintext.",
            [Call("list_messages", {"folder": "field"})]
            + [_get(m) for m in field[: field.index(target) + 1]]
            + [_reverse(body(target))],
            """
for m in list_messages("field"):
    msg = get_message(m)
    if msg["sender"] == "kestrel":
        print(reverse_text(msg["body"]))  # its encoding is "reversed"
""",
            reverse_text(body(target)),
        )
    )

    # 20: which decoded draft is a palindrome
    pair = ["m18", "m19"]
    squashed = {m: base64_decode(body(m)).replace(" ", "") for m in pair}
    add(
        _task(
            20,
            "Decode messages m18 and m19. Which one's plaintext, with its spaces removed, reads "
            "the same backwards (a palindrome)? Answer with its message id.",
            [_get(m) for m in pair]
            + [Call("base64_decode", {"data": body(m)}) for m in pair]
            + [_reverse(squashed[m]) for m in pair],
            """
for m in ["m18", "m19"]:
    s = base64_decode(get_message(m)["body"]).replace(" ", "")
    if reverse_text(s) == s:
        print(m)
""",
            _only([m for m in pair if reverse_text(squashed[m]) == squashed[m]]),
        )
    )

    # 21: vowels over two differently encoded messages
    add(
        _task(
            21,
            "Decode messages m01 and m03 and return the total number of vowels (a, e, i, o, u) "
            "in their two plaintexts.",
            [
                _get("m01"),
                Call("caesar_shift", {"text": body("m01"), "k": -3}),
                _get("m03"),
                Call("base64_decode", {"data": body("m03")}),
                _vowels(caesar_shift(body("m01"), -3)),
                _vowels(plain03),
            ],
            """
a = caesar_shift(get_message("m01")["body"], -3)
b = base64_decode(get_message("m03")["body"])
print(count_vowels(a) + count_vowels(b))
""",
            count_vowels(caesar_shift(body("m01"), -3)) + count_vowels(plain03),
        )
    )

    # 22: encode a reply with a derived shift
    plain14 = reverse_text(body("m14"))
    reply_shift = count_vowels(plain14)
    add(
        _task(
            22,
            'Encode the reply "message received" with a Caesar shift forward by the number of '
            "vowels (a, e, i, o, u) in the decoded text of message m14. Return the ciphertext.",
            [
                _get("m14"),
                _reverse(body("m14")),
                _vowels(plain14),
                Call("caesar_shift", {"text": "message received", "k": reply_shift}),
            ],
            """
shift = count_vowels(reverse_text(get_message("m14")["body"]))
print(caesar_shift("message received", shift))
""",
            caesar_shift("message received", reply_shift),
        )
    )

    # 23: the longest word of a decoded message
    words08 = reverse_text(rev08).split()
    add(
        _task(
            23,
            "Decode message m08 and return the longest word of its plaintext (on a tie, the one "
            "that comes first in the text).",
            [_get("m08"), Call("base64_decode", {"data": body("m08")}), _reverse(rev08)],
            """
words = reverse_text(base64_decode(get_message("m08")["body"])).split()
print(max(words, key=len))
""",
            max(words08, key=len),
        )
    )

    # 24: which message mentions a word
    plains = {
        "m01": caesar_shift(body("m01"), -3),
        "m03": plain03,
        "m04": plain04,
    }
    add(
        _task(
            24,
            'Decode messages m01, m03 and m04. Which one contains the word "dawn"? Answer with '
            "its message id.",
            [
                _get("m01"),
                Call("caesar_shift", {"text": body("m01"), "k": -3}),
                _get("m03"),
                Call("base64_decode", {"data": body("m03")}),
                _get("m04"),
                Call("morse_decode", {"code": body("m04")}),
            ],
            """
plains = {
    "m01": caesar_shift(get_message("m01")["body"], -3),
    "m03": base64_decode(get_message("m03")["body"]),
    "m04": morse_decode(get_message("m04")["body"]),
}
print([m for m, p in plains.items() if "dawn" in p.split()][0])
""",
            _only([m for m, p in plains.items() if "dawn" in p.split()]),
        )
    )

    # 25: three steps undone in reverse order
    step1 = base64_decode(body("m20"))
    step2 = reverse_text(step1)
    add(
        _task(
            25,
            "Decode message m20 (its header lists the encoding steps in the order they were "
            "applied) and return the plaintext.",
            [
                _get("m20"),
                Call("base64_decode", {"data": body("m20")}),
                _reverse(step1),
                Call("caesar_shift", {"text": step2, "k": -5}),
            ],
            """
text = base64_decode(get_message("m20")["body"])
print(caesar_shift(reverse_text(text), -5))
""",
            caesar_shift(step2, -5),
        )
    )

    # 26: count messages by encoding
    archive = list_messages("archive")
    add(
        _task(
            26,
            'How many messages in the archive folder have an encoding that starts with "caesar"? '
            "Answer with a number.",
            [Call("list_messages", {"folder": "archive"})] + [_get(m) for m in archive],
            """
print(sum(get_message(m)["encoding"].startswith("caesar") for m in list_messages("archive")))
""",
            sum(get_message(m)["encoding"].startswith("caesar") for m in archive),
        )
    )
    return tasks


def _vowels(text: str) -> Call:
    return Call("count_vowels", {"text": text})


def _reverse(text: str) -> Call:
    return Call("reverse_text", {"text": text})


SUITE = Suite(
    name="decoding",
    description="Decode a mailbox of encoded messages with cipher tools, keys and a dictionary.",
    tasks=_build(),
)
