"""Code every kernel runs once it is up, before the model's first cell: it keeps honest output
within what the host accepts (wire.MAX_MESSAGE_BYTES).

- what stdout or stderr flush goes out as messages of at most 1 Mi characters, not as one
  message of any size (the host keeps only head and tail of the text anyway);
- an exception's value and traceback frames are cut in the middle, so that neither the error
  message nor the execute reply grows past the limit.

None of this is a defence: code that undoes it only loses its own output (the host drops
oversized frames on its own). It only spares honest code that loss.
"""

from __future__ import annotations

CHUNK_CHARS = 1 << 20
ERROR_CHARS = 100_000

SOURCE = f"""
def _codeact_prelude():
    import sys
    # what a stream flushes goes out in pieces (patched on the class: IPython swaps each
    # stream's own `write` around every cell, but not this)
    for kind in set((type(sys.stdout), type(sys.stderr))):
        if "ipykernel" not in kind.__module__ or not hasattr(kind, "_flush_buffers"):
            continue
        def pieces(self, _buffers=kind._flush_buffers):
            for parent, data in _buffers(self):
                for start in range(0, len(data), {CHUNK_CHARS}):
                    yield parent, data[start:start + {CHUNK_CHARS}]
        kind._flush_buffers = pieces
    def cut(text, limit={ERROR_CHARS}):
        if len(text) <= limit:
            return text
        return (text[:limit // 2] + f"\\n... [{{len(text) - limit}} characters truncated] ...\\n"
                + text[-limit // 2:])
    class CutValue:
        def __init__(self, value):
            self.value = value
        def __str__(self):
            return cut(str(self.value))
    shell = get_ipython()
    show = shell._showtraceback
    def capped(etype, evalue, stb):
        frames = [cut(str(frame)) for frame in stb]
        if len(frames) > 60:
            frames = frames[:30] + [f"... [{{len(frames) - 60}} frames omitted] ..."] + frames[-30:]
        return show(etype, CutValue(evalue), frames)
    shell._showtraceback = capped
_codeact_prelude()
del _codeact_prelude
"""
